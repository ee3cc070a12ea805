package dev.livesync.monitor;

import dev.livesync.ops.status.Json;
import dev.livesync.server.DaemonStats;
import dev.livesync.server.RsyncServer;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * {@code serve --http}: the backup side's metrics (bytes received and sent per module, sessions,
 * refused logins, daemon restarts) and {@code /api/status}, read from the supervised daemon.
 */
public final class ServeMetrics {
  private final RsyncServer server;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final long startedMillis = System.currentTimeMillis();

  public ServeMetrics(RsyncServer server) {
    this.server = server;
    moduleCounter("livesync_serve_received_bytes", Unit.BYTES, "Bytes clients pushed to the module (the daemon's 'received' count, per finished session)",
        m -> m.receivedBytes.get());
    moduleCounter("livesync_serve_sent_bytes", Unit.BYTES, "Bytes the module sent to clients (pulls, and the protocol's replies to pushes)", m -> m.sentBytes.get());
    moduleCounter("livesync_serve_connections", null, "Client sessions opened on the module", m -> m.sessions.get());
    moduleCounter("livesync_serve_auth_failures", null, "Clients refused by the module's password check", m -> m.authFailures.get());
    CounterWithCallback.builder().name("livesync_serve_daemon_restarts").help("Times the rsync daemon died and was restarted by serve")
        .callback(cb -> cb.call(server.restarts())).register(registry);
    GaugeWithCallback.builder().name("livesync_serve_daemon_pid").help("The rsync daemon's process id (changes on each restart)")
        .callback(cb -> cb.call(server.pid())).register(registry);
  }

  private void moduleCounter(String name, Unit unit, String help, ToLongFunction<DaemonStats.Module> value) {
    var b = CounterWithCallback.builder().name(name).help(help).labelNames("module");
    if (unit != null) b.unit(unit);
    b.callback(cb -> server.stats().modules().forEach((m, s) -> cb.call(value.applyAsLong(s), m))).register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** {@code /} (a plain page) and {@code /api/status} (JSON) for the {@link WebServer}. */
  public Map<String, Function<String, WebServer.Reply>> routes() {
    Map<String, Function<String, WebServer.Reply>> r = new LinkedHashMap<>();
    r.put("/api/status", q -> WebServer.Reply.json(Json.write(status())));
    r.put("/", q -> WebServer.Reply.html(page()));
    return r;
  }

  Map<String, Object> status() {
    Map<String, Object> modules = new TreeMap<>();
    server.stats().modules().forEach((m, s) -> modules.put(m, Map.of("connections", s.sessions.get(), "receivedBytes", s.receivedBytes.get(),
        "sentBytes", s.sentBytes.get(), "authFailures", s.authFailures.get())));
    return Map.of("pid", ProcessHandle.current().pid(), "daemonPid", server.pid(), "daemonRestarts", server.restarts(),
        "port", server.spec().port(), "startedMillis", startedMillis, "modules", modules);
  }

  private String page() {
    StringBuilder b = new StringBuilder("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">"
        + "<title>livesync serve</title><style>body{font:14px system-ui,sans-serif;margin:1.2rem;color:#1d2430}"
        + "table{border-collapse:collapse}td,th{padding:.3rem .9rem;border-bottom:1px solid #d8dde5;text-align:right}"
        + "td:first-child,th:first-child{text-align:left}</style></head><body>");
    b.append("<h1>livesync serve</h1><p>rsync daemon pid ").append(server.pid()).append(" on port ").append(server.spec().port())
        .append(", restarted ").append(server.restarts()).append(" times. Refreshes every 5 s; <a href=\"metrics\">metrics</a>, ")
        .append("<a href=\"api/status\">api/status</a>.</p><table><tr><th>module</th><th>connections</th><th>received</th><th>sent</th><th>refused logins</th></tr>");
    new TreeMap<>(server.stats().modules()).forEach((m, s) -> b.append("<tr><td>").append(escape(m)).append("</td><td>").append(s.sessions.get())
        .append("</td><td>").append(s.receivedBytes.get()).append(" B</td><td>").append(s.sentBytes.get()).append(" B</td><td>")
        .append(s.authFailures.get()).append("</td></tr>"));
    return b.append("</table></body></html>").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
