package io.kerec.api;

import io.kerec.bus.Json;
import io.kerec.bus.Recommendations;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** JSON shapes of the HTTP API, built from message records with the one shared mapping. */
final class HttpJson {
  private HttpJson() {
  }

  @SuppressWarnings("unchecked")
  static JsonObject of(Object record) {
    return new JsonObject(Json.MAPPER.convertValue(record, Map.class));
  }

  static JsonObject recommendations(Recommendations recs) {
    return of(recs);
  }

  /** Ends the request with a status and the API's JSON error (unless an answer has already begun). */
  static void fail(io.vertx.ext.web.RoutingContext ctx, int status, String message, String field) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(error(message, field).encode());
  }

  static JsonObject error(String message, String field) {
    JsonObject body = new JsonObject().put("error", message);
    if (field != null) {
      body.put("field", field);
    }
    return body;
  }
}
