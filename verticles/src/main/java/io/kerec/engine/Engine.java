package io.kerec.engine;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.kerec.api.ApiVerticle;
import io.kerec.bus.RecordCodec;
import io.kerec.config.ClusterOptions;
import io.kerec.config.ClusterTlsOptions;
import io.kerec.config.ConfigException;
import io.kerec.config.KerecConfig;
import io.kerec.graph.GraphStoreFiles;
import io.kerec.graph.GraphVerticle;
import io.kerec.ingest.IngestVerticle;
import io.kerec.ingest.KafkaIngestVerticle;
import io.kerec.judge.JudgeVerticle;
import io.kerec.rank.RankVerticle;
import io.kerec.store.ChangeLog;
import io.kerec.store.PostgresServer;
import io.vertx.pgclient.PgConnectOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Kerec engine: PostgreSQL, then the graph, judge, rank, ingest and api verticles, in that order
 * (each one's dependencies first). {@link #stop()} undeploys them in reverse and stops the embedded database.
 */
public final class Engine {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  private final Vertx vertx;
  private final KerecConfig config;
  private final List<String> deployments = new ArrayList<>();
  private PostgresServer postgres;
  private io.kerec.graph.GraphStore graph;
  private ApiVerticle api;
  private final String writer = ChangeLog.WRITER_PREFIX + UUID.randomUUID();

  private Engine(Vertx vertx, KerecConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** A Vert.x instance with Prometheus metrics enabled. */
  public static Vertx newVertx() {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory()).build();
  }

  /**
   * A Vert.x for this configuration: {@link #newVertx()} unless {@code cluster.enabled}, then a clustered one that
   * joins the others over Hazelcast (TCP to the listed members, no multicast) with the same metrics.
   */
  public static Future<Vertx> newVertx(ClusterOptions cluster) {
    return newVertx(cluster, System.getenv());
  }

  /**
   * As {@link #newVertx(ClusterOptions)}, reading the cluster secret and the key store passwords from {@code env}:
   * with {@code cluster.secretEnv} the cluster name is derived from the secret and every message is signed and
   * checked ({@link ClusterGuard}); with {@code cluster.tls} the event bus runs mutual TLS.
   *
   * @throws ConfigException naming the setting whose variable or file is missing
   */
  public static Future<Vertx> newVertx(ClusterOptions cluster, Map<String, String> env) {
    if (!cluster.enabled()) {
      return Future.succeededFuture(newVertx());
    }
    String secret = null;
    if (cluster.secured()) {
      secret = env.get(cluster.secretEnv());
      if (secret == null || secret.length() < ClusterGuard.MIN_SECRET) {
        throw new ConfigException("cluster.secretEnv", "environment variable " + cluster.secretEnv()
            + " must hold the cluster secret, at least " + ClusterGuard.MIN_SECRET + " characters");
      }
    }
    String name = secret == null ? cluster.name() : ClusterGuard.clusterName(cluster.name(), secret);
    Config hazelcast = ConfigUtil.loadConfig().setClusterName(name)
        .setProperty("hazelcast.phone.home.enabled", "false")
        .setProperty("hazelcast.logging.type", "slf4j")
        .setProperty("hazelcast.shutdownhook.enabled", "false");
    hazelcast.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(false)
        .setPublicAddress(cluster.host() + ":" + cluster.port());
    if (cluster.host().matches("[0-9.]+")) {
      hazelcast.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.host()));
    }
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
    VertxOptions options = new VertxOptions().setMetricsOptions(metrics);
    options.getEventBusOptions().setHost(cluster.host()).setPort(cluster.busPort()).setClusterPublicHost(cluster.host());
    if (cluster.tls().enabled()) {
      ClusterTlsOptions tls = cluster.tls();
      options.getEventBusOptions().setSsl(true).setClientAuth(ClientAuth.REQUIRED)
          .setKeyCertOptions(store("cluster.tls.keyStorePath", tls.keyStorePath(), "cluster.tls.keyStorePasswordEnv",
              tls.keyStorePasswordEnv(), env))
          .setTrustOptions(store("cluster.tls.trustStorePath", tls.trustStorePath(),
              "cluster.tls.trustStorePasswordEnv", tls.trustStorePasswordEnv(), env));
    }
    String signWith = secret;
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory())
        .withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered()
        .onSuccess(vertx -> {
          if (signWith != null) {
            ClusterGuard.install(vertx, signWith);
          }
        });
  }

  /** A PKCS#12 store of the cluster's TLS settings, its password from the environment. */
  private static PfxOptions store(String pathKey, String path, String passwordKey, String passwordEnv,
                                       Map<String, String> env) {
    if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(path))) {
      throw new ConfigException(pathKey, "cannot read " + path);
    }
    String password = env.get(passwordEnv);
    if (password == null) {
      throw new ConfigException(passwordKey, "environment variable " + passwordEnv + " is not set");
    }
    return new PfxOptions().setPath(path).setPassword(password);
  }

  /** Starts an engine on the given Vert.x instance. */
  public static Future<Engine> start(Vertx vertx, KerecConfig config) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    RecordCodec.registerAll(vertx);
    Engine engine = new Engine(vertx, config);
    long started = System.nanoTime();
    return vertx.executeBlocking(() -> PostgresServer.start(config.postgres(), config.dataPath()))
        .compose(pg -> {
          engine.postgres = pg;
          return vertx.executeBlocking(() -> GraphStoreFiles.open(config, pg.hasItems()));
        })
        .compose(graph -> {
          engine.graph = graph;
          PgConnectOptions connect = engine.connectOptions();
          engine.api = new ApiVerticle(config);
          return engine.deploy(new GraphVerticle(config, connect, graph), new DeploymentOptions()
                  .setThreadingModel(ThreadingModel.WORKER).setWorkerPoolName("kerec-graph-view").setWorkerPoolSize(1))
              .compose(v -> engine.deploy(new JudgeVerticle(config, connect), ThreadingModel.WORKER))
              .compose(v -> engine.deploy(new RankVerticle(config), ThreadingModel.EVENT_LOOP))
              .compose(v -> engine.deploy(new IngestVerticle(config, connect), ThreadingModel.EVENT_LOOP))
              .compose(v -> !config.kafka().enabled() ? Future.<Void>succeededFuture()
                  : engine.deploy(new KafkaIngestVerticle(config, connect), ThreadingModel.EVENT_LOOP))
              .compose(v -> engine.deploy(engine.api, ThreadingModel.EVENT_LOOP));
        })
        .map(v -> {
          LOG.info("Kerec engine started in {} ms, listening on http://{}:{}", (System.nanoTime() - started) / 1_000_000,
              config.http().host(), engine.httpPort());
          return engine;
        })
        .recover(e -> engine.stop().transform(ignored -> Future.failedFuture(e)));
  }

  /**
   * Where this engine's verticles reach PostgreSQL: every connection is named {@code kerec/<instance id>}
   * ({@code application_name}), which is how the rows it writes are told from other engines' ({@link ChangeLog}).
   */
  private PgConnectOptions connectOptions() {
    PgConnectOptions connect = postgres.connectOptions();
    Map<String, String> properties = new HashMap<>(connect.getProperties());
    properties.put("application_name", writer);
    return connect.setProperties(properties);
  }

  /** This engine's name among the engines sharing its PostgreSQL. */
  public String instance() {
    return writer;
  }

  private Future<Void> deploy(io.vertx.core.Deployable verticle, ThreadingModel threading) {
    return deploy(verticle, new DeploymentOptions().setThreadingModel(threading));
  }

  private Future<Void> deploy(io.vertx.core.Deployable verticle, DeploymentOptions options) {
    return vertx.deployVerticle(verticle, options)
        .onSuccess(deployments::add)
        .mapEmpty();
  }

  /** The HTTP port actually bound. */
  public int httpPort() {
    return api.port();
  }

  /** Where the engine's PostgreSQL is (for tools and tests that read the system of record). */
  public io.vertx.pgclient.PgConnectOptions postgres() {
    return postgres.connectOptions();
  }

  /** The configuration the engine runs with. */
  public KerecConfig config() {
    return config;
  }

  /** Undeploys every verticle, newest first, then closes the graph store and stops PostgreSQL. */
  public Future<Void> stop() {
    List<String> reversed = new ArrayList<>(deployments);
    Collections.reverse(reversed);
    deployments.clear();
    Future<Void> chain = Future.succeededFuture();
    for (String id : reversed) {
      chain = chain.compose(v -> vertx.undeploy(id).otherwiseEmpty());
    }
    return chain.compose(v -> vertx.executeBlocking(() -> {
      if (graph != null) {
        graph.close(); // the graph verticle closed it, unless it never started (idempotent)
      }
      if (postgres != null) {
        postgres.close();
      }
      return null;
    })).mapEmpty();
  }
}
