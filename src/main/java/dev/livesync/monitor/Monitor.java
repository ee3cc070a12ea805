package dev.livesync.monitor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livesync.ops.status.Json;
import dev.livesync.ops.status.StatusDocument;
import dev.livesync.sync.Clock;
import dev.livesync.sync.DeliveryListener;
import dev.livesync.sync.EngineStatus;
import dev.livesync.sync.WorkItem;
import dev.livesync.transport.TransferResult;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What {@code run} shows of itself beyond {@code livesync status}: Prometheus metrics, the live
 * status page's data (15 minutes of per-second history, last-minute lag percentiles, full-sync
 * progress) and alerts. It listens to each sync's engine ({@link #forSync}) and reads the status
 * document once a second ({@link #tick}). The engine never sees this package.
 *
 * <pre>
 * var monitor = new Monitor(StatusDocument.live(syncs::statuses), Clock.SYSTEM, alertSettings);   // alerts: null = none
 * Replicator.start(settings, monitor.forSync(settings.name()));
 * monitor.start();                                                      // ticks every second
 * WebServer.start(http, monitor.registry(), monitor.routes());
 * </pre>
 */
public final class Monitor implements AutoCloseable {
  private final Supplier<StatusDocument> status;
  private final Clock clock;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final EngineMetrics metrics;
  private final Map<String, History> histories = new ConcurrentHashMap<>();
  private final Map<String, FullSyncProgress> progress = new ConcurrentHashMap<>();
  /** When each running full sync started (epoch millis): its elapsed time on the page. */
  private final Map<String, Long> fullSyncStarts = new ConcurrentHashMap<>();
  private final Alerts alerts;
  private final AlertCommand alertCommand;
  private ScheduledExecutorService ticker;

  public Monitor(Supplier<StatusDocument> status, Clock clock, AlertSettings alertSettings) {
    this(status, clock, alertSettings, null);
  }

  /** {@code sink}: where alerts go instead of the settings' command (tests); null = the command. */
  Monitor(Supplier<StatusDocument> status, Clock clock, AlertSettings alertSettings, Alerts.Sink sink) {
    this.status = status;
    this.clock = clock;
    this.metrics = new EngineMetrics(registry, () -> status.get().syncs(), progress::get);
    this.alertCommand = alertSettings != null && sink == null ? new AlertCommand(alertSettings.command()) : null;
    this.alerts = alertSettings == null ? null : new Alerts(alertSettings, sink != null ? sink : alertCommand);
  }

  static String key(String sync, String target) {
    return sync + "\u0000" + target;
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** The listener to give sync {@code sync}'s engine. */
  public DeliveryListener forSync(String sync) {
    return new DeliveryListener() {
      @Override
      public void delivered(String target, WorkItem item, TransferResult result, long nowNanos) {}

      @Override
      public void started(String target, WorkItem item) {
        if (item instanceof WorkItem.FullSync) fullSyncStarts.put(key(sync, target), clock.epochMillis());
      }

      @Override
      public void finished(String target, WorkItem item, TransferResult r, long nowNanos) {
        long lagNanos = Math.max(0, nowNanos - item.oldestNanos());
        metrics.finished(sync, target, item, r, lagNanos / 1e9);
        if (item instanceof WorkItem.FullSync) {
          progress.remove(key(sync, target));
          fullSyncStarts.remove(key(sync, target));
        }
        if (r.outcome() != TransferResult.Outcome.OK) return;
        long count = switch (item) {
          case WorkItem.Send s -> s.paths().size();
          case WorkItem.Rename m -> 1;
          case WorkItem.FullSync f -> 1;
        };
        history(sync, target).delivered(nowNanos, lagNanos / 1_000_000, count, Math.max(0, r.files() - r.deleted()), r.bytes());
      }

      @Override
      public boolean wantsProgress() {
        return true;
      }

      @Override
      public void fullSyncProgress(String target, String line) {
        String k = key(sync, target);
        long now = clock.epochMillis();
        FullSyncProgress p = FullSyncProgress.parse(line, now, fullSyncStarts.computeIfAbsent(k, x -> now), progress.get(k));
        if (p != null) progress.put(k, p);
      }
    };
  }

  private History history(String sync, String target) {
    return histories.computeIfAbsent(key(sync, target), k -> new History());
  }

  /** Once a second: a history sample per target, alerts evaluated. */
  void tick() {
    List<EngineStatus> syncs = status.get().syncs();
    long now = clock.nanos();
    long second = clock.epochMillis() / 1000;
    java.util.Set<String> present = new java.util.HashSet<>();
    for (EngineStatus s : syncs) {
      for (EngineStatus.Target t : s.targets()) {
        if (!histories.containsKey(key(s.name(), t.target()))) metrics.known(s.name(), t.target());
        history(s.name(), t.target()).sample(second, t.lagMillis(), now);
        present.add(key(s.name(), t.target()));
      }
    }
    // a sync or target a reload removed (sampled or delivered to before, not in the status now): its
    // series and its history go with it; a sync still starting lists no targets yet
    java.util.Set<String> starting = new java.util.HashSet<>();
    for (EngineStatus s : syncs) if (s.state().equals("starting")) starting.add(s.name());
    for (String k : List.copyOf(histories.keySet())) {
      String sync = k.substring(0, k.indexOf('\0'));
      if (present.contains(k) || starting.contains(sync)) continue;
      histories.remove(k);
      metrics.forget(sync, k.substring(k.indexOf('\0') + 1));
    }
    if (alerts != null) alerts.evaluate(syncs, now, clock.epochMillis());
  }

  /** Starts the once-a-second tick on a thread of its own. */
  public void start() {
    ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("livesync-monitor").daemon().factory());
    ticker.scheduleAtFixedRate(() -> {
      try {
        tick();
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(Monitor.class).warn("monitor tick: {}", e.toString());
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  /** {@code /}, {@code /api/status} and {@code /api/page} for the {@link WebServer}. */
  public Map<String, Function<String, WebServer.Reply>> routes() {
    Map<String, Function<String, WebServer.Reply>> r = new LinkedHashMap<>();
    r.put("/", q -> WebServer.Reply.html(StatusPage.html()));
    r.put("/api/status", q -> WebServer.Reply.json(Json.write(statusJson())));
    r.put("/api/page", q -> WebServer.Reply.json(Json.write(page(sinceParameter(q)))));
    return r;
  }

  /** The document {@code livesync status --json} prints. */
  ObjectNode statusJson() {
    return StatusDocument.withLastVerify(Json.MAPPER.valueToTree(status.get()));
  }

  /**
   * What the status page polls: the status document, and per target its lag percentiles over the
   * last minute, a running full sync's progress and the history samples newer than {@code since}.
   */
  ObjectNode page(long since) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.set("status", statusJson());
    o.put("nowMillis", clock.epochMillis());
    ArrayNode targets = o.putArray("targets");
    long now = clock.nanos();
    for (EngineStatus s : status.get().syncs()) {
      for (EngineStatus.Target t : s.targets()) {
        ObjectNode j = targets.addObject();
        j.put("sync", s.name()).put("target", t.target());
        History h = histories.get(key(s.name(), t.target()));
        long[] p = h == null ? new long[] {-1, -1} : h.percentiles(now, 0.50, 0.99);
        j.put("p50Millis", p[0]).put("p99Millis", p[1]);
        FullSyncProgress fp = t.state().equals("syncing") ? progress.get(key(s.name(), t.target())) : null;
        if (fp != null) j.set("fullSync", Json.MAPPER.valueToTree(fp));
        ArrayNode samples = j.putArray("samples"); // [second, files, bytes, lag ms, max delivered lag ms]
        if (h != null) {
          for (History.Sample x : h.since(since)) {
            samples.addArray().add(x.epochSecond()).add(x.files()).add(x.bytes()).add(x.lagMillis()).add(x.maxDeliveredLagMillis());
          }
        }
      }
    }
    return o;
  }

  private static long sinceParameter(String query) {
    if (query == null) return 0;
    for (String kv : query.split("&")) {
      if (kv.startsWith("since=")) {
        try {
          return Long.parseLong(kv.substring(6));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  /** The process begins to stop: syncs that leave the status from now on are stopping, not resolved (their alerts stay as they are). */
  public void stopping() {
    if (alerts != null) alerts.stopping();
  }

  /** Stops ticking; sends the resolutions the once-a-minute rule still held back, and waits (bounded) for the alert commands. */
  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      try {
        ticker.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (alerts != null) alerts.sendPendingResolutions(clock.nanos(), clock.epochMillis());
    if (alertCommand != null) alertCommand.close();
  }
}
