package dev.livesync.monitor;

import dev.livesync.sync.EngineStatus;
import dev.livesync.sync.WorkItem;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransferResult.Outcome;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The {@code run} process's Prometheus metrics, through the official client. Counters and
 * histograms are fed by the engine's delivery events ({@link #finished}); gauges read the engine's
 * latest status snapshot when Prometheus scrapes. Labels: {@code sync} (its name) and {@code target}
 * (as {@code livesync status} shows it, never a password). The full list is in docs/operations.md.
 */
final class EngineMetrics {
  /** Lag buckets, seconds: sub-second resolution where livesync normally is, minutes for outages. */
  static final double[] LAG_BUCKETS = {0.05, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600};
  static final double[] FULL_SYNC_BUCKETS = {1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 12 * 3600};

  private final Histogram lag;
  private final Counter transferredFiles;
  private final Counter transferredBytes;
  private final Counter deletedFiles;
  private final Counter renamedFiles;
  private final Counter runs;
  private final Counter retries;
  private final Counter fullSyncs;
  private final Histogram fullSyncDuration;

  EngineMetrics(PrometheusRegistry registry, Supplier<List<EngineStatus>> status, Function<String, FullSyncProgress> progress) {
    lag = Histogram.builder().name("livesync_lag_seconds").unit(Unit.SECONDS)
        .help("Time from a change being complete at the source to its arrival at the target; each delivered path counts once, "
            + "with the age of the oldest change in its batch (an upper bound)")
        .labelNames("sync", "target").classicOnly().classicUpperBounds(LAG_BUCKETS).register(registry);
    transferredFiles = counter(registry, "livesync_transferred_files", "Regular files transferred to the target");
    transferredBytes = Counter.builder().name("livesync_transferred_bytes").unit(Unit.BYTES)
        .help("Size of the files transferred to the target").labelNames("sync", "target").register(registry);
    deletedFiles = counter(registry, "livesync_deleted_files", "Files deleted on the target (rsync's count)");
    renamedFiles = counter(registry, "livesync_renamed_files", "Renames within the tree delivered to the target");
    runs = Counter.builder().name("livesync_rsync_runs")
        .help("Transfers (one rsync run, two when a batch's fuzzy-basis part runs first) by rsync exit code; code=\"none\": no exit code (interrupted)")
        .labelNames("sync", "target", "code").register(registry);
    retries = counter(registry, "livesync_retries", "Transfers that failed and were queued again (partial, unreachable, refused)");
    fullSyncs = counter(registry, "livesync_full_syncs", "Full syncs completed (start, schedule, overflow, backlog)");
    fullSyncDuration = Histogram.builder().name("livesync_full_sync_duration_seconds").unit(Unit.SECONDS)
        .help("Duration of completed full syncs").labelNames("sync", "target").classicOnly()
        .classicUpperBounds(FULL_SYNC_BUCKETS).register(registry);

    targetGauge(registry, status, "livesync_oldest_queued_seconds", Unit.SECONDS,
        "Age of the oldest change not yet at the target (0 when caught up)", t -> t.lagMillis() / 1000.0);
    targetGauge(registry, status, "livesync_queued_paths", null, "Paths in the target's queued and running work items", EngineStatus.Target::queuedPaths);
    targetGauge(registry, status, "livesync_queued_items", null, "Work items queued or running for the target", EngineStatus.Target::queuedItems);
    targetGauge(registry, status, "livesync_queued_bytes", Unit.BYTES, "File data in the target's queued sends", EngineStatus.Target::queuedBytes);
    targetGauge(registry, status, "livesync_deletions_held", null,
        "Paths whose deletion the mass-deletion guard holds (more than max_delete / --max-delete allows; see livesync release-deletes)", EngineStatus.Target::deletionsHeld);
    targetGauge(registry, status, "livesync_transfers_in_flight", null, "rsync transfers running now", EngineStatus.Target::inFlight);
    targetGauge(registry, status, "livesync_target_warning", null,
        "1 while the target has a standing warning livesync status shows (an ssh login shell every rsync run waits for), else 0",
        t -> t.warning().isEmpty() ? 0 : 1);
    targetGauge(registry, status, "livesync_target_up", null,
        "1 while the target takes transfers (ok or full sync running), 0 while it fails (retrying, or refused: failed)",
        t -> t.state().equals("ok") || t.state().equals("syncing") ? 1 : 0);
    targetGauge(registry, status, "livesync_last_success_timestamp_seconds", Unit.SECONDS,
        "When a transfer last arrived at the target (Unix time; 0 = never since start)", t -> t.lastSuccessMillis() / 1000.0);
    targetGauge(registry, status, "livesync_journal_items", null,
        "Work items in the target's journal not yet done (replayed after a crash)", EngineStatus.Target::journalItems);
    GaugeWithCallback.builder().name("livesync_full_sync_progress_ratio")
        .help("Share of a running full sync done (rsync's own figure; absent when none runs)").labelNames("sync", "target")
        .callback(cb -> {
          for (EngineStatus s : status.get()) {
            for (EngineStatus.Target t : s.targets()) {
              FullSyncProgress p = t.state().equals("syncing") ? progress.apply(Monitor.key(s.name(), t.target())) : null;
              if (p != null) cb.call(p.percent() / 100.0, s.name(), t.target());
            }
          }
        }).register(registry);

    // the standard name (most clients export it): the alert rules tell a restart from a long outage by it
    double started = ProcessHandle.current().info().startInstant().orElseGet(java.time.Instant::now).toEpochMilli() / 1000.0;
    GaugeWithCallback.builder().name("process_start_time_seconds").unit(Unit.SECONDS)
        .help("When this livesync process started (Unix time)").callback(cb -> cb.call(started)).register(registry);

    syncGauge(registry, status, "livesync_sync_up",
        "1 while the sync watches its source and feeds its targets (running, or draining to stop), 0 when it has failed "
            + "(source gone or replaced: nothing is sent; see livesync status) or stopped",
        s -> s.state().equals("running") || s.state().equals("stopping") ? 1 : 0);
    syncGauge(registry, status, "livesync_watches",
        "inotify watches held by the sync (a sync watched with fanotify: its marks, 1 for a filesystem mark)", EngineStatus::watches);
    syncGauge(registry, status, "livesync_watch_limit", "The kernel's fs.inotify.max_user_watches (shared by every process of the user)",
        EngineStatus::watchLimit);
    syncGauge(registry, status, "livesync_unwatched_directories",
        "Directories that could not be watched (watch limit, permissions): changes there travel only with a full sync", EngineStatus::unwatchedDirs);
    syncGauge(registry, status, "livesync_pending_paths", "Changed paths not yet cut into a batch (files still open included)", EngineStatus::pendingPaths);
    // every failed attempt, as livesync status counts them: a transfer's, and an idle target's look that
    // found it not answering (no transfer runs then: livesync_retries_total and livesync_rsync_runs_total
    // stay still while a quiet target is down)
    CounterWithCallback.builder().name("livesync_target_failures")
        .help("Failed attempts at the target, as livesync status counts them: failed transfers, and looks at an idle target that found it not answering")
        .labelNames("sync", "target")
        .callback(cb -> {
          for (EngineStatus s : status.get()) for (EngineStatus.Target t : s.targets()) cb.call(t.failures(), s.name(), t.target());
        }).register(registry);
    CounterWithCallback.builder().name("livesync_queue_overflows")
        .help("The kernel's event queue overflows, inotify's or fanotify's as the sync is watched (each one rewatches and runs a full sync)").labelNames("sync")
        .callback(cb -> {
          for (EngineStatus s : status.get()) cb.call(s.overflows(), s.name());
        }).register(registry);
  }

  private static Counter counter(PrometheusRegistry registry, String name, String help) {
    return Counter.builder().name(name).help(help).labelNames("sync", "target").register(registry);
  }

  private static void targetGauge(PrometheusRegistry registry, Supplier<List<EngineStatus>> status, String name, Unit unit, String help,
      ToDoubleFunction<EngineStatus.Target> value) {
    var b = GaugeWithCallback.builder().name(name).help(help).labelNames("sync", "target");
    if (unit != null) b.unit(unit);
    b.callback(cb -> {
      for (EngineStatus s : status.get()) for (EngineStatus.Target t : s.targets()) cb.call(value.applyAsDouble(t), s.name(), t.target());
    }).register(registry);
  }

  private static void syncGauge(PrometheusRegistry registry, Supplier<List<EngineStatus>> status, String name, String help,
      ToDoubleFunction<EngineStatus> value) {
    GaugeWithCallback.builder().name(name).help(help).labelNames("sync").callback(cb -> {
      for (EngineStatus s : status.get()) if (!s.state().equals("starting")) cb.call(value.applyAsDouble(s), s.name());
    }).register(registry);
  }

  /** A target seen for the first time: its counters start at 0 (a rate needs a first sample). */
  void known(String sync, String target) {
    for (Counter c : List.of(transferredFiles, transferredBytes, deletedFiles, renamedFiles, retries, fullSyncs)) c.labelValues(sync, target);
    runs.labelValues(sync, target, "0");
    lag.labelValues(sync, target);
  }

  /**
   * A target no longer in the status (its sync or itself removed from the config by a reload): its
   * series go, as its gauges' do, instead of standing still until the process ends.
   */
  void forget(String sync, String target) {
    for (Counter c : List.of(transferredFiles, transferredBytes, deletedFiles, renamedFiles, retries, fullSyncs)) c.remove(sync, target);
    runs.removeIf(labels -> labels.get(0).equals(sync) && labels.get(1).equals(target));
    lag.remove(sync, target);
    fullSyncDuration.remove(sync, target);
  }

  /** One finished work item (engine loop thread): counts it; {@code lagSeconds} is for delivered ones. */
  void finished(String sync, String target, WorkItem item, TransferResult r, double lagSeconds) {
    if (!(item instanceof WorkItem.Rename)) {
      runs.labelValues(sync, target, r.exitCode() < 0 ? "none" : Integer.toString(r.exitCode())).inc();
    }
    if (r.outcome() != Outcome.OK) {
      retries.labelValues(sync, target).inc();
      return;
    }
    transferredFiles.labelValues(sync, target).inc(Math.max(0, r.files() - r.deleted()));
    transferredBytes.labelValues(sync, target).inc(r.bytes());
    deletedFiles.labelValues(sync, target).inc(r.deleted());
    var h = lag.labelValues(sync, target);
    switch (item) {
      case WorkItem.Send s -> {
        for (int i = 0; i < s.paths().size(); i++) h.observe(lagSeconds);
      }
      case WorkItem.Rename m -> {
        renamedFiles.labelValues(sync, target).inc();
        h.observe(lagSeconds);
      }
      case WorkItem.FullSync f -> {
        fullSyncs.labelValues(sync, target).inc();
        h.observe(lagSeconds);
        fullSyncDuration.labelValues(sync, target).observe(r.millis() / 1000.0);
      }
    }
  }
}
