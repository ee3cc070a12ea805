package dev.livesync.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.livesync.LivesyncException;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@code run --http} and {@code serve --http}: the JDK's own HTTP server (module
 * {@code jdk.httpserver}, so a jlink'd runtime carries it) with {@code /metrics} from the
 * Prometheus client's scrape handler and read-only JSON and HTML routes. With a token, every request
 * needs {@code Authorization: Bearer TOKEN} (or HTTP Basic with the token as password, for a
 * browser); without one it answers 401. Only GET and HEAD: nothing over HTTP changes state.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebServer.class);

  /** A read-only route's answer: status, content type, body. */
  // Never compared or hashed: each reply is written to its exchange and dropped.
  public record Reply(int status, String contentType, byte[] body) {
    public static Reply json(String json) {
      return new Reply(200, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply html(String html) {
      return new Reply(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final int BACKLOG = 16;
  /** Seconds a client has to send a request's line and headers before the server closes the connection. */
  static final int REQUEST_SECONDS = 5;
  /** Seconds a client has to take in an answer before the server closes the connection. */
  static final int RESPONSE_SECONDS = 60;

  static {
    // The JDK's HTTP server reads a request on a thread of its executor and, by default, waits for
    // it forever: a few connections that never finish their headers held every thread, and no
    // scrape or page was answered until they went. These bound both ways; read once, when the
    // server's classes load on the first HttpServer.create (below). One given with -D stays.
    defaultProperty("sun.net.httpserver.maxReqTime", REQUEST_SECONDS);
    defaultProperty("sun.net.httpserver.maxRspTime", RESPONSE_SECONDS);
  }

  private static void defaultProperty(String name, int seconds) {
    if (System.getProperty(name) == null) System.setProperty(name, Integer.toString(seconds));
  }

  private final HttpServer server;
  private final ExecutorService pool;
  private final HttpSettings settings;

  private WebServer(HttpServer server, ExecutorService pool, HttpSettings settings) {
    this.server = server;
    this.pool = pool;
    this.settings = settings;
  }

  /**
   * Binds and starts. {@code routes}: exact path → answer for a query string (null when none);
   * {@code /metrics} is added. A port in use is refused as a bad value of who named the address
   * (exit 2 from {@code --http}, 78 from the config's {@code http.listen}).
   */
  public static WebServer start(HttpSettings settings, PrometheusRegistry registry, Map<String, Function<String, Reply>> routes) {
    HttpServer server = bind(settings);
    // a virtual thread per exchange: a slow client waits on its own thread, never for another's
    ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("livesync-http-", 0).factory());
    server.setExecutor(pool);
    var metrics = new MetricsHandler(registry);
    Map<String, Function<String, Reply>> all = new LinkedHashMap<>(routes);
    server.createContext("/", ex -> handle(ex, settings.token(), () -> {
      if (ex.getRequestURI().getPath().equals("/metrics")) {
        metrics.handle(ex);
        return;
      }
      Function<String, Reply> route = all.get(ex.getRequestURI().getPath());
      Reply r = route == null ? new Reply(404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8))
          : route.apply(ex.getRequestURI().getRawQuery());
      send(ex, r);
    }));
    server.start();
    return new WebServer(server, pool, settings);
  }

  /**
   * Whether {@link #start} could listen where {@code settings} say: bound and let go at once, refused
   * in start's words (run --check, start, doctor). A plain channel bound as the HTTP server binds
   * its own, then closed: an {@link HttpServer} never started keeps its socket open after
   * {@code stop}, and the run that start launches next could not bind the port.
   */
  public static void probe(HttpSettings settings) {
    try (ServerSocketChannel ch = ServerSocketChannel.open()) {
      ch.bind(settings.listen(), BACKLOG);
    } catch (IOException e) {
      throw cannotListen(settings, e);
    }
  }

  private static HttpServer bind(HttpSettings settings) {
    try {
      return HttpServer.create(settings.listen(), BACKLOG);
    } catch (IOException e) {
      throw cannotListen(settings, e);
    }
  }

  private static LivesyncException cannotListen(HttpSettings settings, IOException e) {
    return settings.cannotListen(e);
  }

  private interface Body {
    void run() throws IOException;
  }

  private static void handle(HttpExchange ex, String token, Body body) throws IOException {
    try (ex) {
      var h = ex.getResponseHeaders();
      h.set("X-Content-Type-Options", "nosniff");
      h.set("X-Frame-Options", "DENY");
      h.set("Cache-Control", "no-store");
      h.set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:");
      String method = ex.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        h.set("Allow", "GET, HEAD");
        send(ex, new Reply(405, "text/plain; charset=utf-8", "only GET and HEAD: nothing here changes state\n".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      if (token != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"), token)) {
        h.add("WWW-Authenticate", "Bearer realm=\"livesync\"");
        h.add("WWW-Authenticate", "Basic realm=\"livesync (any user name, the token as password)\", charset=\"UTF-8\"");
        send(ex, new Reply(401, "text/plain; charset=utf-8", "401: this livesync needs its --http-token (Authorization: Bearer TOKEN)\n".getBytes(StandardCharsets.UTF_8)));
        return;
      }
      body.run();
    } catch (RuntimeException e) {
      log.warn("http {}: {}", ex.getRequestURI(), e.toString());
    }
  }

  /** Bearer TOKEN, or Basic with TOKEN as the password; compared in constant time. */
  static boolean authorized(String header, String token) {
    if (header == null) return false;
    String given = null;
    if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = header.substring(7).strip();
    } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        given = pair.substring(pair.indexOf(':') + 1);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, Reply r) throws IOException {
    ex.getResponseHeaders().set("Content-Type", r.contentType());
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(r.status(), head ? -1 : r.body().length == 0 ? -1 : r.body().length);
    if (!head && r.body().length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(r.body());
      }
    }
  }

  public HttpSettings settings() {
    return settings;
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
