package io.kerec.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the browser tests find or fetch a Chromium, short of fetching the real one (DashboardEndToEndTest does). */
class ChromiumTest {
  @TempDir
  Path dir;

  @AfterEach
  void clearProperties() {
    System.clearProperty("kerec.chromium");
    System.clearProperty("kerec.cache");
  }

  @Test
  void anExplicitBrowserThatIsNotThereFailsNamingTheInstallCommand() {
    System.setProperty("kerec.chromium", dir.resolve("no-such-chromium").toString());
    assertThatThrownBy(Chromium::find).isInstanceOf(AssertionError.class)
        .hasMessageContaining("no-such-chromium is not an executable file")
        .hasMessageContaining("apt-get install chromium");
  }

  @Test
  void aFetchThatCannotHappenFailsNamingTheInstallCommand() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    System.setProperty("kerec.chromium", "npm");
    System.setProperty("kerec.cache", file.resolve("cache").toString());
    assertThatThrownBy(Chromium::find).isInstanceOf(AssertionError.class)
        .hasMessageContaining("@sparticuz/chromium 147.0.0 could not be fetched from https://registry.npmjs.org")
        .hasMessageEndingWith("Install one with: apt-get install chromium");
  }

  @Test
  void aDownloadIsKeptOnlyWhenItsSha512IsThePinnedOne() throws Exception {
    byte[] body = "a tarball".getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/t.tgz", exchange -> {
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      URI uri = URI.create(base + "/t.tgz");
      Path good = dir.resolve("good.tgz");
      Chromium.download(uri, good, Chromium.integrityOf(body));
      assertThat(Files.readAllBytes(good)).isEqualTo(body);

      String other = Chromium.integrityOf("another tarball".getBytes(StandardCharsets.UTF_8));
      assertThatThrownBy(() -> Chromium.download(uri, dir.resolve("bad.tgz"), other))
          .isInstanceOf(IOException.class).hasMessageContaining("expected " + other);
      assertThatThrownBy(() -> Chromium.download(URI.create(base + "/missing.tgz"), dir.resolve("gone.tgz"), other))
          .isInstanceOf(IOException.class).hasMessageContaining("HTTP 404");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void untarExtractsFilesAndRefusesPathsOutsideTheTarget() throws IOException {
    Path into = Files.createDirectories(dir.resolve("into"));
    Chromium.untar(new ByteArrayInputStream(tar("fonts/a.ttf", "font")), into);
    assertThat(into.resolve("fonts/a.ttf")).hasContent("font");

    assertThatThrownBy(() -> Chromium.untar(new ByteArrayInputStream(tar("../escape", "x")), into))
        .isInstanceOf(IOException.class).hasMessageContaining("outside the target");
    assertThat(dir.resolve("escape")).doesNotExist();
  }

  private static byte[] tar(String name, String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry(name, true);
      entry.setSize(data.length);
      out.putArchiveEntry(entry);
      out.write(data);
      out.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }
}
