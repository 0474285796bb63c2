package io.kerec.api;

import io.kerec.config.HttpOptions;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The first handler of every request, before authentication and before any body is read: writes come only from
 * intended clients.
 * <ul>
 *   <li>{@code Host} must name this engine ({@link HttpOptions#allowedHosts()}): a page whose name was rebound to
 *   this address (DNS rebinding) cannot read the answers. 403, field {@code Host}.</li>
 *   <li>A state-changing request (any method but GET, HEAD, OPTIONS) and a WebSocket upgrade that come from a
 *   browser must come from the engine's own origin or one of {@link HttpOptions#allowedOrigins()}: an
 *   {@code Origin} of another site, {@code Origin: null}, or, without {@code Origin}, {@code Sec-Fetch-Site:
 *   cross-site}, get 403, field {@code Origin}. Clients that are not browsers send neither and pass.</li>
 *   <li>A request with a body must say {@code Content-Type: application/json} (parameters such as
 *   {@code charset} allowed): else 415, field {@code Content-Type}. This is what stops a page's plain form or
 *   {@code text/plain} post, which browsers send cross-site without asking.</li>
 *   <li>A query string that does not decode (a bad percent escape) is 400, field {@code query}.</li>
 * </ul>
 */
final class RequestGuard implements Handler<RoutingContext> {
  private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "::1");
  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]");

  private final Set<String> hosts;
  private final boolean anyHost;
  private final Set<String> origins;
  private final String scheme;

  RequestGuard(HttpOptions http, boolean tls) {
    Set<String> names = new HashSet<>();
    boolean any;
    if (http.allowedHosts().isEmpty()) {
      any = WILDCARDS.contains(http.host());
      names.addAll(LOOPBACK_NAMES);
      names.add(bare(http.host()));
    } else {
      any = http.allowedHosts().contains("*");
      http.allowedHosts().forEach(h -> names.add(bare(h)));
    }
    this.hosts = Set.copyOf(names);
    this.anyHost = any;
    Set<String> allowed = new HashSet<>();
    http.allowedOrigins().forEach(o -> allowed.add(o.toLowerCase(Locale.ROOT)));
    this.origins = Set.copyOf(allowed);
    this.scheme = tls ? "https" : "http";
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HostAndPort authority = request.authority();
    if (!anyHost && authority != null && !hosts.contains(bare(authority.host()))) {
      HttpJson.fail(ctx, 403, "Host " + authority.host() + " is not a name of this engine (http.allowedHosts)", "Host");
      return;
    }
    boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
    if ((upgrade || changesState(request.method())) && !fromAllowedOrigin(request, authority)) {
      HttpJson.fail(ctx, 403, "cross-origin " + (upgrade ? "WebSocket" : request.method().name())
          + " refused: " + (request.getHeader(HttpHeaders.ORIGIN) == null ? "Sec-Fetch-Site: cross-site"
          : "origin " + request.getHeader(HttpHeaders.ORIGIN) + " is not this engine's own nor in http.allowedOrigins"),
          "Origin");
      return;
    }
    try {
      request.params();
      ctx.queryParams();
    } catch (IllegalArgumentException e) {
      HttpJson.fail(ctx, 400, "malformed query string: " + e.getMessage(), "query");
      return;
    }
    if (changesState(request.method()) && !jsonOrNoBody(request)) {
      HttpJson.fail(ctx, 415, "Content-Type must be application/json, was "
          + request.getHeader(HttpHeaders.CONTENT_TYPE), "Content-Type");
      return;
    }
    ctx.next();
  }

  private static boolean changesState(HttpMethod method) {
    return !(method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS));
  }

  private boolean fromAllowedOrigin(HttpServerRequest request, HostAndPort authority) {
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null) {
      return !"cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"));
    }
    String lower = origin.strip().toLowerCase(Locale.ROOT);
    if (origins.contains(lower)) {
      return true;
    }
    if (authority == null) {
      return false;
    }
    String own = scheme + "://" + authorityText(authority, request.isSSL());
    return lower.equals(own.toLowerCase(Locale.ROOT));
  }

  /** host[:port] as an origin writes it: the port left out when it is the scheme's default. */
  private static String authorityText(HostAndPort authority, boolean ssl) {
    int port = authority.port();
    boolean defaultPort = port < 0 || (ssl ? port == 443 : port == 80);
    return authority.host() + (defaultPort ? "" : ":" + port);
  }

  private static boolean jsonOrNoBody(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null) {
      String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      return request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null && (length == null || length.strip().equals("0"));
    }
    int semicolon = type.indexOf(';');
    String media = (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
    return media.equalsIgnoreCase("application/json");
  }

  /** A host name as compared: lower case, without IPv6 brackets. */
  private static String bare(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }
}
