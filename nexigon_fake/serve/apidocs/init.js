// Swagger UI on the served OpenAPI document. The page carries its settings (docs.py fills them
// in per request), so this file stays static and the admin token is never in a cached script.
window.addEventListener("load", function () {
  var settings = JSON.parse(document.getElementById("docs-settings").textContent);
  var ui = SwaggerUIBundle({
    url: settings.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // the default sends the document to validator.swagger.io: stay offline
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    onComplete: function () {
      // Only present for callers the control plane admits (loopback, or the control token).
      if (settings.adminToken) {
        ui.preauthorizeApiKey(settings.securityScheme, settings.adminToken);
      }
    },
  });
  window.ui = ui;
});
