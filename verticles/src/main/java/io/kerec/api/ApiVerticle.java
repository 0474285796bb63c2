package io.kerec.api;

import io.kerec.bus.Accepted;
import io.kerec.bus.Addresses;
import io.kerec.bus.BusError;
import io.kerec.bus.EntityComplements;
import io.kerec.bus.EntityComplementsRequest;
import io.kerec.bus.EventBatch;
import io.kerec.bus.HealthReport;
import io.kerec.bus.ItemBatch;
import io.kerec.bus.ItemRequest;
import io.kerec.bus.ItemView;
import io.kerec.bus.RecommendRequest;
import io.kerec.config.ConfigException;
import io.kerec.config.KerecConfig;
import io.kerec.config.TlsOptions;
import io.kerec.experiment.Experiments;
import io.kerec.bus.Validation;
import io.kerec.bus.ValidationException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.APIKeyHandler;
import io.vertx.ext.web.handler.AuthenticationHandler;
import io.vertx.ext.web.handler.AuthorizationHandler;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.ChainAuthHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP API (v1), the WebSocket live feed, the dashboard at {@code /} (static files from {@code webroot/} on the
 * classpath, public: its API calls carry whatever key the user gives it) and the {@code kerec.recommend} event-bus
 * endpoint. Every error is JSON {@code {"error": "...", "field": "..."}} with a 4xx/5xx status. With
 * {@code http.benchEndpoints} on, {@code GET /bench/noop} answers {@code {"ok":true}} straight from the router: the
 * serve benchmark's reference.
 */
public final class ApiVerticle extends VerticleBase {
  /** Components whose health makes up {@code GET /health}. */
  public static final List<String> COMPONENTS = List.of("ingest", "graph", "judge", "rank");
  private static final DeliveryOptions WRITES = Addresses.inEngine(120_000);
  private static final DeliveryOptions READS = Addresses.inEngine(10_000);
  /** The dashboard loads nothing from elsewhere: its own files, and its own API and WebSocket only. */
  private static final String DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final KerecConfig config;
  private Recommender recommender;
  private RecommendationCache cache;
  private LiveHub live;
  private RecommendationsTopic recommendationsTopic;
  private HttpServer server;

  public ApiVerticle(KerecConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    recommender = new Recommender(vertx, config.recall().maxCandidates(), config.rank().freshSlots(),
        config.rank().newArrivalSlots(), config.rank().feedbackWeight() > 0, new Experiments(config.experiments()));
    if (config.kafka().publishesRecommendations()) {
      recommendationsTopic = new RecommendationsTopic(vertx, config.kafka());
    }
    cache = new RecommendationCache(recommender, config.cache());
    live = new LiveHub(vertx, cache, false, recommendationsTopic);
    live.start();
    DeliveryOptions answeredBy = new DeliveryOptions().addHeader(INSTANCE_HEADER, instance());
    vertx.eventBus().<RecommendRequest>consumer(Addresses.RECOMMEND, msg -> recommender.recommend(msg.body())
        .onSuccess(recs -> msg.reply(recs, answeredBy))
        .onFailure(e -> BusError.from(e).replyTo(msg)));
    server = vertx.createHttpServer(serverOptions(config.tls()));
    return Future.all(OpenApiValidation.load(vertx), vertx.fileSystem().readFile(OpenApiValidation.CONTRACT),
            TokenAuthentication.create(vertx, config.auth(), System.getenv()))
        .compose(loaded -> server.requestHandler(router(loaded.resultAt(0), loaded.resultAt(1), loaded.resultAt(2)))
            .listen(config.http().port(), config.http().host()));
  }

  /** Plain HTTP, or HTTPS with HTTP/2 over ALPN through the configured TLS engine. */
  static HttpServerOptions serverOptions(TlsOptions tls) {
    HttpServerOptions options = new HttpServerOptions();
    if (!tls.enabled()) {
      return options;
    }
    if (tls.engine().equals("openssl") && !OpenSSLEngineOptions.isAvailable()) {
      throw new ConfigException("tls.engine", "OpenSSL is not available on this platform; use \"jdk\"");
    }
    return options.setSsl(true).setUseAlpn(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()))
        .setSslEngineOptions(tls.engine().equals("openssl") ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions());
  }

  /** Header on replies to {@code kerec.recommend}: which engine instance answered. */
  public static final String INSTANCE_HEADER = "kerec-instance";

  private String instance() {
    return config.cluster().enabled() ? config.cluster().host() + ":" + config.cluster().port()
        : config.http().host() + ":" + config.http().port();
  }

  /** The port the server listens on (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  /**
   * The routes, in the order a request meets them: the {@link RequestGuard} (Host, Origin, Content-Type) and CORS
   * when configured; authentication and the role each route needs; the rate limits; only then the body, read up to
   * {@code http.maxBodyBytes}; then the contract's validation and the route's handler.
   */
  private Router router(OpenApiValidation validation, io.vertx.core.buffer.Buffer contract, TokenAuthentication auth) {
    Router router = Router.router(vertx);
    if (!config.http().allowedOrigins().isEmpty()) {
      router.route().handler(CorsHandler.create().addOrigins(config.http().allowedOrigins())
          .allowedMethods(java.util.Set.of(HttpMethod.GET, HttpMethod.POST))
          .allowedHeaders(java.util.Set.of("content-type", "x-api-key", "authorization", "cache-control")));
    }
    router.route().handler(new RequestGuard(config.http(), config.tls().enabled()));
    router.get("/health").handler(this::health);
    router.get("/" + OpenApiValidation.CONTRACT).handler(ctx -> ctx.response()
        .putHeader("content-type", "text/plain; charset=utf-8").end(contract));
    AuthenticationHandler byHeader = ChainAuthHandler.any()
        .add(APIKeyHandler.create(auth).header("X-API-Key"))
        .add(APIKeyHandler.create(auth).header("Authorization"));
    if (auth.enabled()) {
      router.route("/metrics").handler(byHeader).handler(AuthorizationHandler.create(ApiKeys.role("admin")));
      router.route("/v1/live").handler(ChainAuthHandler.any().add(byHeader)
          .add(APIKeyHandler.create(auth).parameter("access_token")));
      router.route("/v1/live").handler(AuthorizationHandler.create(ApiKeys.role("read")));
    }
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.get("/v1/live").handler(new ClientRateLimiter(config.http().liveConnects(), config.http().liveConnects(),
        java.time.Duration.ofMinutes(1), config.rateLimit().maxClients(),
        "at most " + config.http().liveConnects() + " live connections a minute per client"));
    if (config.rateLimit().enabled()) {
      router.get("/v1/live").handler(new ClientRateLimiter(config.rateLimit()));
    }
    router.get("/v1/live").handler(this::liveSocket);
    if (config.http().benchEndpoints()) {
      router.get("/bench/noop").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
          .end("{\"ok\":true}"));
    }
    if (auth.enabled()) {
      router.route("/v1/*").handler(byHeader);
      router.route("/v1/*").handler(AuthorizationHandler.create(ApiKeys.role("read")));
      router.post("/v1/items").handler(AuthorizationHandler.create(ApiKeys.role("write")));
      router.post("/v1/events").handler(AuthorizationHandler.create(ApiKeys.role("write")));
      router.post("/v1/rank/train").handler(AuthorizationHandler.create(ApiKeys.role("admin")));
    }
    if (config.rateLimit().enabled()) {
      router.route("/v1/*").handler(new ClientRateLimiter(config.rateLimit()));
    }
    router.post("/v1/*").handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()));
    router.post("/v1/items").handler(validation.of("postItems")).handler(ctx -> ingest(ctx, Addresses.ITEMS,
        body -> new ItemBatch(Validation.items(body, config.http().maxBatch()))));
    router.post("/v1/events").handler(validation.of("postEvents")).handler(ctx -> ingest(ctx, Addresses.EVENTS,
        body -> new EventBatch(Validation.events(body, config.http().maxBatch()))));
    router.get("/v1/users/:userId/recommendations").handler(validation.of("recommendations"))
        .handler(this::recommendations);
    router.get("/v1/entities/:entity/complements").handler(validation.of("complements")).handler(this::complements);
    router.get("/v1/items/:itemId").handler(validation.of("item")).handler(this::item);
    router.get("/v1/judge/status").handler(validation.of("judgeStatus")).handler(this::judgeStatus);
    ExperimentRoutes experiments = new ExperimentRoutes(vertx, new Experiments(config.experiments()));
    router.get("/v1/experiments").handler(validation.of("experiments")).handler(experiments::list);
    router.get("/v1/experiments/:name").handler(validation.of("experiment")).handler(experiments::one);
    router.post("/v1/rank/train").handler(validation.of("train")).handler(this::train);
    router.get().handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", DASHBOARD_CSP);
      ctx.next();
    }).handler(StaticHandler.create("webroot").setMaxAgeSeconds(60));
    router.route().last().handler(ctx -> json(ctx, 404, HttpJson.error("no such route: "
        + ctx.request().method() + " " + ctx.request().path(), null)));
    router.route().failureHandler(this::failure);
    for (int status : new int[] {400, 404, 405, 413, 500}) {
      router.errorHandler(status, ctx -> failure(ctx, status)); // what fails before any route (a path that does not decode)
    }
    return router;
  }

  /** 400 for an id out of the contract ({@link Validation#idProblem}), 403 for a token bound to another user. */
  private static boolean badUser(RoutingContext ctx, String userId) {
    String problem = Validation.idProblem(userId);
    if (problem != null) {
      json(ctx, 400, HttpJson.error("userId " + problem, "userId"));
      return true;
    }
    String only = TokenAuthentication.onlyUser(ctx.user());
    if (only != null && !only.equals(userId)) {
      json(ctx, 403, HttpJson.error("this token may read user " + only + "'s recommendations only", "userId"));
      return true;
    }
    return false;
  }

  private interface BodyParser {
    Object parse(JsonArray body);
  }

  private void ingest(RoutingContext ctx, String address, BodyParser parser) {
    JsonArray body;
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
      if (!(parsed instanceof JsonArray array)) {
        json(ctx, 400, HttpJson.error("the body must be a JSON array", "body"));
        return;
      }
      body = array;
    } catch (DecodeException | NullPointerException e) {
      json(ctx, 400, HttpJson.error("malformed JSON: " + firstLine(e.getMessage()), "body"));
      return;
    }
    Object message;
    try {
      message = parser.parse(body);
    } catch (ValidationException e) {
      json(ctx, 400, HttpJson.error(e.getMessage(), e.field() == null ? "body" : e.field()));
      return;
    }
    vertx.eventBus().<Accepted>request(address, message, WRITES)
        .onSuccess(reply -> json(ctx, 202, HttpJson.of(reply.body())))
        .onFailure(e -> replyFailure(ctx, e));
  }

  private void recommendations(RoutingContext ctx) {
    Integer k = intParam(ctx, "k", 10, 1, 1000);
    if (k == null) {
      return;
    }
    String userId = ctx.pathParam("userId");
    if (badUser(ctx, userId)) {
      return;
    }
    String cacheControl = ctx.request().getHeader("cache-control");
    if (cacheControl != null && cacheControl.contains("no-cache")) {
      cache.bypass(userId, k)
          .onSuccess(body -> answer(ctx, body, cache.active() ? "bypass" : null))
          .onFailure(e -> replyFailure(ctx, e));
      return;
    }
    RecommendationCache.Served held = cache.lookup(userId, k);
    if (held != null) {
      answer(ctx, held.body(), held.how());
      return;
    }
    cache.load(userId, k)
        .onSuccess(body -> answer(ctx, body, cache.active() ? "miss" : null))
        .onFailure(e -> replyFailure(ctx, e));
  }

  private static void answer(RoutingContext ctx, io.vertx.core.buffer.Buffer body, String how) {
    if (ctx.response().ended()) {
      return;
    }
    if (how != null) {
      ctx.response().putHeader(RecommendationCache.HEADER, how);
    }
    ctx.response().putHeader("content-type", "application/json").end(body);
  }

  private void complements(RoutingContext ctx) {
    Integer k = intParam(ctx, "k", 20, 1, 1000);
    if (k == null) {
      return;
    }
    String entity = ctx.pathParam("entity").toLowerCase().strip();
    vertx.eventBus().<EntityComplements>request(Addresses.GRAPH_ENTITY_COMPLEMENTS,
            new EntityComplementsRequest(entity, k), READS)
        .onSuccess(reply -> json(ctx, 200, HttpJson.of(reply.body())))
        .onFailure(e -> replyFailure(ctx, e));
  }

  private void item(RoutingContext ctx) {
    String problem = Validation.idProblem(ctx.pathParam("itemId"));
    if (problem != null) {
      json(ctx, 400, HttpJson.error("itemId " + problem, "itemId"));
      return;
    }
    vertx.eventBus().<ItemView>request(Addresses.GRAPH_ITEM, new ItemRequest(ctx.pathParam("itemId")), READS)
        .onSuccess(reply -> json(ctx, 200, HttpJson.of(reply.body())))
        .onFailure(e -> replyFailure(ctx, e));
  }

  private void train(RoutingContext ctx) {
    vertx.eventBus().<io.kerec.bus.Done>request(Addresses.RANK_TRAIN, "train",
            Addresses.inEngine(3_600_000))
        .compose(done -> vertx.eventBus().<HealthReport>request(Addresses.HEALTH_PREFIX + "rank", "?", READS)
            .map(health -> {
              JsonObject body = new JsonObject().put("trained", done.body().count() > 0)
                  .put("samples", done.body().count());
              health.body().details().forEach(body::put);
              return body;
            }))
        .onSuccess(body -> json(ctx, 200, body))
        .onFailure(e -> replyFailure(ctx, e));
  }

  private void judgeStatus(RoutingContext ctx) {
    vertx.eventBus().<HealthReport>request(Addresses.JUDGE_STATUS, "?", READS)
        .onSuccess(reply -> json(ctx, 200, HttpJson.of(reply.body())))
        .onFailure(e -> replyFailure(ctx, e));
  }

  private void liveSocket(RoutingContext ctx) {
    String userId = ctx.request().getParam("userId");
    if (userId == null) {
      json(ctx, 400, HttpJson.error("query parameter userId is required", "userId"));
      return;
    }
    if (badUser(ctx, userId)) {
      return;
    }
    if (live.open() >= config.http().maxLiveSockets()) {
      ctx.response().putHeader("Retry-After", "5");
      json(ctx, 429, HttpJson.error("too many live sockets: at most " + config.http().maxLiveSockets()
          + " at once (http.maxLiveSockets)", null));
      return;
    }
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))
        || ctx.request().getHeader("Sec-WebSocket-Key") == null) {
      json(ctx, 400, HttpJson.error("GET /v1/live is a WebSocket: send a WebSocket handshake (Upgrade: websocket,"
          + " Sec-WebSocket-Key)", "Upgrade"));
      return;
    }
    ctx.request().toWebSocket()
        .onSuccess(socket -> live.subscribe(socket, userId, 10))
        .onFailure(e -> json(ctx, 400, HttpJson.error("WebSocket upgrade failed: " + e.getMessage(), "Upgrade")));
  }

  private void health(RoutingContext ctx) {
    List<Future<HealthReport>> reports = new ArrayList<>();
    for (String component : COMPONENTS) {
      reports.add(vertx.eventBus().<HealthReport>request(Addresses.HEALTH_PREFIX + component, "?",
              Addresses.inEngine(2_000))
          .map(msg -> msg.body())
          .otherwise(e -> new HealthReport(component, "DOWN", java.util.Map.of("error", e.getMessage()))));
    }
    Future.join(reports).onComplete(ar -> {
      JsonObject components = new JsonObject();
      boolean down = false;
      boolean degraded = false;
      for (Future<HealthReport> f : reports) {
        HealthReport r = f.result();
        components.put(r.component(), HttpJson.of(r));
        down |= "DOWN".equals(r.status());
        degraded |= "DEGRADED".equals(r.status());
      }
      String status = down ? "DOWN" : degraded ? "DEGRADED" : "UP";
      json(ctx, down ? 503 : 200, new JsonObject().put("status", status).put("components", components));
    });
  }

  private static Integer intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return dflt;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    json(ctx, 400, HttpJson.error(name + " must be an integer between " + min + " and " + max, name));
    return null;
  }

  private static void replyFailure(RoutingContext ctx, Throwable e) {
    BusError error = BusError.from(e);
    json(ctx, error.status(), error.toJson());
  }

  private void failure(RoutingContext ctx) {
    failure(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500);
  }

  private void failure(RoutingContext ctx, int status) {
    String message = switch (status) {
      case 413 -> "request body larger than " + config.http().maxBodyBytes() + " bytes";
      case 400 -> "bad request" + (ctx.failure() == null ? "" : ": " + firstLine(ctx.failure().getMessage()));
      case 401 -> "a valid API key or bearer token is required (X-API-Key or Authorization: Bearer)"
          + reason(ctx.failure());
      case 403 -> "this key's or token's role may not " + ctx.request().method() + " " + ctx.request().path();
      default -> ctx.failure() == null ? "error" : String.valueOf(ctx.failure().getMessage());
    };
    String field = switch (status) {
      case 413 -> "body";
      case 401, 403 -> ctx.request().getHeader("Authorization") != null ? "Authorization" : "X-API-Key";
      default -> null;
    };
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", ctx.request().getHeader("Authorization") == null
          ? "Bearer realm=\"kerec\"" : "Bearer realm=\"kerec\", error=\"invalid_token\"");
    }
    json(ctx, status, HttpJson.error(message, field));
  }

  /** ": why" from an authentication failure (expired, wrong audience …), or nothing. */
  private static String reason(Throwable failure) {
    Throwable cause = failure == null ? null : failure.getCause() != null ? failure.getCause() : failure;
    String message = cause == null ? null : cause.getMessage();
    return message == null || message.isBlank() || message.equals("Unauthorized") ? "" : ": " + firstLine(message);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "empty body";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  @Override
  public Future<?> stop() {
    if (cache != null) {
      cache.close();
    }
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return recommendationsTopic == null ? closed : closed.compose(v -> recommendationsTopic.close());
  }
}
