// Starts Swagger UI on /api/v1/docs (safeground.core.openapi.LocalSwagger) from the settings in the
// page's JSON block; a file rather than inline code because the Content-Security-Policy allows none.
// "Try it out" requests from a signed-in session carry the CSRF token, as the API requires for writes.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  if (csrfToken) {
    config.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = csrfToken;
      return req;
    };
  }
  window.SwaggerUIBundle(config);
})();
