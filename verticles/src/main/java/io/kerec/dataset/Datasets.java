package io.kerec.dataset;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/** Opens transaction files and picks the reader from the header line. */
public final class Datasets {
  private static final int BUFFER = 1 << 16;

  private Datasets() {
  }

  /**
   * Reads a transactions file in any supported format: {@link OnlineRetail} when the header has
   * {@code InvoiceNo} and {@code StockCode}, {@link GenericCsv} when it has {@code user_id} and
   * {@code item_id}. The file may be gzip-compressed (detected by its magic bytes, whatever its name).
   *
   * @throws IllegalArgumentException when the header matches no format or a row is malformed
   */
  public static Dataset read(Path file) throws IOException {
    try (BufferedReader in = open(file)) {
      in.mark(BUFFER);
      String header = in.readLine();
      in.reset();
      if (header == null) {
        throw new IllegalArgumentException(file + ": empty file, expected a CSV header line");
      }
      String h = stripBom(header).toLowerCase(Locale.ROOT);
      if (h.contains("invoiceno") && h.contains("stockcode")) {
        return OnlineRetail.read(in);
      }
      if (h.contains("user_id") && h.contains("item_id")) {
        return GenericCsv.read(in);
      }
      throw new IllegalArgumentException(file + ": unrecognized header '" + header + "'; expected Online Retail ("
          + String.join(",", OnlineRetail.COLUMNS) + ") or generic CSV (" + GenericCsv.HEADER + ")");
    }
  }

  /** Opens a text file as UTF-8, transparently un-gzipping it when it starts with the gzip magic bytes. */
  public static BufferedReader open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    try {
      raw.mark(2);
      int b1 = raw.read();
      int b2 = raw.read();
      raw.reset();
      InputStream in = (b1 == 0x1f && b2 == 0x8b) ? new GZIPInputStream(raw, BUFFER) : raw;
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), BUFFER);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  static String stripBom(String s) {
    return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }
}
