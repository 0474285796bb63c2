package io.kerec.api;

import io.kerec.bus.Addresses;
import io.kerec.bus.BusError;
import io.kerec.bus.ExperimentCounts;
import io.kerec.bus.ExperimentCountsRequest;
import io.kerec.bus.Json;
import io.kerec.config.ExperimentOptions;
import io.kerec.experiment.ExperimentReport;
import io.kerec.experiment.Experiments;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/experiments} and {@code GET /v1/experiments/{name}}: the running A/B experiments' reports, counted
 * from the stored events by the ingest verticle, so every instance gives the same report, before and after a
 * restart.
 */
final class ExperimentRoutes {
  private static final DeliveryOptions READS = Addresses.inEngine(30_000);

  private final Vertx vertx;
  private final Experiments experiments;

  ExperimentRoutes(Vertx vertx, Experiments experiments) {
    this.vertx = vertx;
    this.experiments = experiments;
  }

  void list(RoutingContext ctx) {
    List<Future<JsonObject>> reports = new ArrayList<>();
    experiments.all().forEach(e -> reports.add(report(e)));
    Future.all(reports).onSuccess(all -> {
      JsonArray out = new JsonArray();
      reports.forEach(r -> out.add(r.result()));
      send(ctx, 200, new JsonObject().put("experiments", out));
    }).onFailure(e -> failed(ctx, e));
  }

  void one(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    experiments.find(name).ifPresentOrElse(
        e -> report(e).onSuccess(body -> send(ctx, 200, body)).onFailure(f -> failed(ctx, f)),
        () -> send(ctx, 404, HttpJson.error("no experiment named '" + name + "' is running", "name")));
  }

  @SuppressWarnings("unchecked")
  private Future<JsonObject> report(ExperimentOptions experiment) {
    return vertx.eventBus().<ExperimentCounts>request(Addresses.INGEST_EXPERIMENT_COUNTS,
            new ExperimentCountsRequest(experiment.name()), READS)
        .map(msg -> new JsonObject(Json.MAPPER.convertValue(ExperimentReport.of(experiment, msg.body()),
            Map.class)));
  }

  private static void failed(RoutingContext ctx, Throwable e) {
    BusError error = BusError.from(e);
    send(ctx, error.status(), error.toJson());
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
  }
}
