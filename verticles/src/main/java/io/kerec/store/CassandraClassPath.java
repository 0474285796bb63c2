package io.kerec.store;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class path of the local Cassandra: {@code cassandra/pom.xml}'s runtime dependencies, resolved by Maven into
 * {@code cassandra/target/classpath.txt} on first use (again when the pom is newer than that file). Maven runs
 * offline first (everything may already be in the local repository), and online only when that fails and
 * {@code offline} is not set.
 */
final class CassandraClassPath {
  private static final Logger LOG = LoggerFactory.getLogger(CassandraClassPath.class);
  static final String POM = "cassandra/pom.xml";
  static final String FILE = "cassandra/target/classpath.txt";

  private CassandraClassPath() {
  }

  static List<String> resolve(Path home, boolean offline) throws IOException {
    Path pom = home.resolve(POM).toAbsolutePath().normalize();
    if (!Files.isRegularFile(pom)) {
      throw new StoreException("no " + POM + " under " + home.toAbsolutePath().normalize() + ": run from the Kerec "
          + "checkout (./kerec sets it), or set -Dkerec.home", null);
    }
    Path file = home.resolve(FILE).toAbsolutePath().normalize();
    if (!current(pom, file)) {
      String failure = maven(pom, file, true);
      if (failure != null && !offline) {
        LOG.info("resolving the Cassandra class path offline failed; trying the Maven repositories");
        failure = maven(pom, file, false);
      }
      if (failure != null) {
        throw new StoreException("Maven could not resolve " + pom + (offline ? " offline" : "") + ":\n" + failure,
            null);
      }
    }
    List<String> jars = new ArrayList<>(Arrays.stream(Files.readString(file, StandardCharsets.UTF_8).strip()
        .split(File.pathSeparator)).filter(s -> !s.isBlank()).toList());
    List<String> missing = jars.stream().filter(j -> !Files.isRegularFile(Path.of(j))).toList();
    if (jars.isEmpty() || !missing.isEmpty()) {
      Files.deleteIfExists(file);
      throw new StoreException(file + " names jars that are gone (" + missing + "): run again to resolve them", null);
    }
    return jars;
  }

  private static boolean current(Path pom, Path file) throws IOException {
    return Files.isRegularFile(file)
        && Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(pom)) >= 0;
  }

  /** Runs Maven's dependency:build-classpath; null on success, else Maven's output. */
  private static String maven(Path pom, Path file, boolean offline) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-q"));
    if (offline) {
      cmd.add("-o");
    }
    cmd.addAll(List.of("-f", pom.toString(), "dependency:build-classpath", "-Dmdep.outputFile=" + file));
    Path log = Files.createTempFile("kerec-cassandra-mvn", ".log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return "mvn did not finish in 10 minutes";
      }
      return p.exitValue() == 0 && Files.isRegularFile(file) ? null : Files.readString(log, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while resolving the Cassandra class path", e);
    } catch (IOException e) {
      return "cannot run mvn (" + e.getMessage() + "): Maven 3.8+ must be on the PATH";
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
