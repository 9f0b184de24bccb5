# Sourced by the scripts: sets PYTHON312 to a Python 3.12 interpreter (the official SDK needs it).
if command -v python3.12 >/dev/null 2>&1 && python3.12 -c 'import sys' >/dev/null 2>&1; then
    PYTHON312=python3.12
elif command -v pyenv >/dev/null 2>&1 && version=$(pyenv versions --bare | grep -E '^3\.12(\.|$)' | tail -n 1) && [ -n "$version" ]; then
    PYTHON312="$(pyenv root)/versions/$version/bin/python3.12"
else
    echo "Python 3.12 is required (the official nexigon-hub-sdk needs it); none was found." >&2
    exit 1
fi
