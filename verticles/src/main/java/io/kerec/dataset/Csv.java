package io.kerec.dataset;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Streaming RFC-4180 row reader (Jackson CSV) with the header mapped by name, plus shared helpers. */
final class Csv implements Closeable {
  private static final CsvMapper MAPPER = new CsvMapper()
      .enable(CsvParser.Feature.WRAP_AS_ARRAY)
      .enable(CsvParser.Feature.SKIP_EMPTY_LINES);

  private final MappingIterator<String[]> rows;
  private final Map<String, Integer> columns = new HashMap<>();
  private final String header;
  private long line;

  Csv(Reader reader) throws IOException {
    this.rows = MAPPER.readerFor(String[].class).readValues(reader);
    if (!rows.hasNextValue()) {
      throw new IllegalArgumentException("empty file, expected a CSV header line");
    }
    String[] names = rows.nextValue();
    for (int i = 0; i < names.length; i++) {
      String n = (i == 0 ? Datasets.stripBom(names[i]) : names[i]).trim().toLowerCase(Locale.ROOT);
      columns.putIfAbsent(n, i);
    }
    this.header = String.join(",", names);
  }

  /** Index of a column (case-insensitive), or -1. */
  int column(String name) {
    return columns.getOrDefault(name.toLowerCase(Locale.ROOT), -1);
  }

  /** Index of a column that must exist. */
  int required(String name, String format) {
    int i = column(name);
    if (i < 0) {
      throw new IllegalArgumentException(format + ": header '" + header + "' lacks column " + name);
    }
    return i;
  }

  /** Next data row, or null at the end. */
  String[] next() throws IOException {
    // the parser stops just past the previous row's line end, so this is the line the next row starts on
    // (blank lines skipped in between would make it point a bit early)
    line = rows.getCurrentLocation().getLineNr();
    return rows.hasNextValue() ? rows.nextValue() : null;
  }

  /** 1-based line number of the row last returned (for error messages). */
  long line() {
    return line;
  }

  @Override
  public void close() throws IOException {
    rows.close();
  }

  /** Field i of a row, "" when the row is short. */
  static String field(String[] row, int i) {
    return i >= 0 && i < row.length ? row[i] : "";
  }

  private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

  /** Trims and collapses runs of whitespace to one space. */
  static String normalizeText(String s) {
    String t = s.strip();
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      // after strip() a space is never the last character, so i + 1 is in range
      if (c == ' ' ? t.charAt(i + 1) == ' ' || Character.isWhitespace(t.charAt(i + 1)) : Character.isWhitespace(c)) {
        return WHITESPACE.matcher(t).replaceAll(" ");
      }
    }
    return t;
  }

  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_DATE_TIME;

  /**
   * Parses an ISO-8601 instant ({@code 2010-12-01T08:26:00Z}, offsets allowed) or a zone-less date-time
   * ({@code 2010-12-01 08:26:00} or with a {@code T}), which is taken as UTC.
   *
   * @throws DateTimeParseException when it is neither
   */
  static Instant parseInstant(String s) {
    String t = s.strip();
    if (t.length() > 10 && t.charAt(10) == ' ') {
      t = t.substring(0, 10) + 'T' + t.substring(11);
    }
    TemporalAccessor a = ISO.parseBest(t, OffsetDateTime::from, LocalDateTime::from);
    return a instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) a).toInstant(ZoneOffset.UTC);
  }

  /** Median of the first n values (sorts them in place), rounded to 4 decimals. */
  static double median(double[] v, int n) {
    java.util.Arrays.sort(v, 0, n);
    double m = (n % 2 == 1) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return Math.round(m * 10_000d) / 10_000d;
  }

  /** Growable double array. */
  static final class Doubles {
    double[] v = new double[4];
    int n;

    void add(double x) {
      if (n == v.length) {
        v = java.util.Arrays.copyOf(v, n * 2);
      }
      v[n++] = x;
    }

    double median() {
      return Csv.median(v, n);
    }
  }
}
