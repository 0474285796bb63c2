package io.kerec.cli;

import io.kerec.store.StandalonePostgres;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kerec postgres}: the embedded PostgreSQL on its own, as a local cluster's shared database. */
@Command(name = "postgres", mixinStandardHelpOptions = true,
    description = "Run the embedded PostgreSQL on its own (loopback, SCRAM passwords, fsync and synchronous commit"
        + " on, as serve runs it) with a role and database 'kerec', for engines that share it. The password is"
        + " KEREC_PG_PASSWORD when set, else generated once and kept in DATA/postgres.password (mode 0600). Stops"
        + " on Ctrl-C or SIGTERM.")
final class PostgresCommand implements Callable<Integer> {
  static final String PASSWORD_ENV = "KEREC_PG_PASSWORD";

  @Option(names = "--data", required = true, description = "Directory for the cluster (DATA/postgres).")
  Path data;

  @Option(names = "--port", defaultValue = "5433", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    String password = System.getenv(PASSWORD_ENV);
    if (password != null && password.isBlank()) {
      password = null;
    }
    long started = System.nanoTime();
    StandalonePostgres pg;
    try {
      pg = StandalonePostgres.start(data, port, password);
    } catch (IllegalArgumentException e) {
      System.err.println("kerec postgres: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      System.err.println("kerec postgres: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("kerec postgres: stopping");
      pg.close();
    }, "kerec-postgres-stop"));
    System.out.println("kerec postgres: ready after " + (System.nanoTime() - started) / 1_000_000 + " ms: "
        + pg.jdbcUrl() + " (user " + StandalonePostgres.ROLE + ")");
    System.out.println("kerec postgres: password " + (pg.passwordFile() == null ? "from " + PASSWORD_ENV
        : "in " + pg.passwordFile() + " (export " + PASSWORD_ENV + "=\"$(cat " + pg.passwordFile() + ")\")"));
    System.out.println("kerec postgres: Ctrl-C stops it");
    System.out.flush();
    new CountDownLatch(1).await(); // until the JVM shuts down; the hook stops PostgreSQL
    return 0;
  }
}
