package dev.livesync.monitor;

import dev.livesync.sync.EngineStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the engine's status into alerts, evaluated once a second by the {@link Monitor}:
 * {@code target_down} (a target failing longer than {@code after}), {@code lag} (lag above
 * {@code lag} for a minute), {@code watches} (directories left unwatched: the watch limit ran out),
 * {@code deletions_held} (the mass-deletion guard holds deletions for a target, at once). Each condition is told
 * once when it fires and once more when it is resolved, and at most once per condition per minute:
 * a change that comes sooner waits, and is dropped if the condition went back meanwhile.
 */
final class Alerts {
  static final long MINUTE_NANOS = 60_000_000_000L;

  /** One notice, as the alert command receives it (JSON on stdin). */
  record Alert(String status, String condition, String sync, String target, String summary, String since, String time,
      double value, String host) {}

  interface Sink {
    void send(Alert a);
  }

  private static final class State {
    long activeSince = -1; // nanos, while the raw condition holds
    boolean firing; // what was last told
    boolean told;
    long lastTold;
    long sinceMillis;
    /** Why the condition left the status, when it was not resolved but removed ("sync … was removed …"); null while configured. */
    String removed;
  }

  private final AlertSettings settings;
  private final Sink sink;
  private final String host;
  private final Map<String, State> states = new HashMap<>();
  /** The process is stopping: a sync gone from the status is being stopped, not resolved. */
  private boolean stopping;

  Alerts(AlertSettings settings, Sink sink) {
    this.settings = settings;
    this.sink = sink;
    this.host = hostName();
  }

  /** Evaluates every condition against {@code syncs} at {@code nowNanos} (engine clock) / {@code nowMillis} (wall). */
  synchronized void evaluate(List<EngineStatus> syncs, long nowNanos, long nowMillis) {
    Set<String> seen = new HashSet<>();
    for (EngineStatus s : syncs) {
      if (s.state().equals("starting")) continue;
      update(seen, "sync_failed", s.name(), "", s.state().equals("failed"), 0, nowNanos, nowMillis, 1,
          "sync " + s.name() + " has failed" + (s.problem().isEmpty() ? "" : ": " + s.problem()));
      long unwatched = s.unwatchedDirs();
      update(seen, "watches", s.name(), "", unwatched > 0, 0, nowNanos, nowMillis, unwatched,
          "sync " + s.name() + ": " + unwatched + " directories are not watched (" + s.watches() + " watches of the limit " + s.watchLimit()
              + "); changes there reach the targets only with a full sync: see `livesync doctor`");
      for (EngineStatus.Target t : s.targets()) {
        boolean down = t.state().equals("retrying") || t.state().equals("failed");
        update(seen, "target_down", s.name(), t.target(), down, settings.after().toNanos(), nowNanos, nowMillis, t.failures(),
            "target " + t.target() + " of sync " + s.name() + " is " + t.state() + " (" + t.failures() + " failed attempts"
                + (t.lastExitCode() >= 0 ? "; rsync exit " + t.lastExitCode() + ": " + t.lastExitMeaning() : "") + ")"
                + (t.lastError().isEmpty() ? "" : ": " + t.lastError()));
        update(seen, "lag", s.name(), t.target(), t.lagMillis() > settings.lag().toMillis(), MINUTE_NANOS, nowNanos, nowMillis,
            t.lagMillis() / 1000.0, "target " + t.target() + " of sync " + s.name() + " lags " + t.lagMillis() / 1000 + " s (alert above "
                + settings.lag().toSeconds() + " s for a minute); " + t.queuedPaths() + " paths queued");
        update(seen, "deletions_held", s.name(), t.target(), t.deletionsHeld() > 0, 0, nowNanos, nowMillis, t.deletionsHeld(),
            "target " + t.target() + " of sync " + s.name() + ": deletions held: " + t.deletionsHeld() + " paths (more would have been deleted than "
                + "max_delete / --max-delete allows); restore them at the source, or run 'livesync release-deletes " + s.name() + "'");
        update(seen, "target_warning", s.name(), t.target(), !t.warning().isEmpty(), 0, nowNanos, nowMillis, 1,
            "target " + t.target() + " of sync " + s.name() + ": " + t.warning());
      }
    }
    // a copy: update() may forget a key (the map cannot be changed while it is being iterated)
    for (String key : stopping ? List.<String>of() : List.copyOf(states.keySet())) {
      if (!seen.contains(key)) {
        String[] k = key.split("\u0000", -1);
        states.get(key).removed = removal(syncs, k[1], k[2]);
        update(null, k[0], k[1], k[2], false, 0, nowNanos, nowMillis, 0, "");
      }
    }
  }

  /**
   * Why a condition of {@code sync} / {@code target} that left the status is over, when its sync or
   * target left the configuration (a reload): the words of its resolution. Null while both are configured
   * (a sync still starting lists no targets yet).
   */
  private static String removal(List<EngineStatus> syncs, String sync, String target) {
    for (EngineStatus s : syncs) {
      if (!s.name().equals(sync)) continue;
      if (target.isEmpty() || s.state().equals("starting") || s.targets().stream().anyMatch(t -> t.target().equals(target))) return null;
      return "target " + target + " of sync " + sync + " was removed from the configuration";
    }
    return "sync " + sync + " was removed from the configuration";
  }

  /** From now on a sync that leaves the status is stopping, not over: its firing alerts stay firing. */
  synchronized void stopping() {
    stopping = true;
  }

  /**
   * On shutdown: the resolutions still waiting for the once-a-minute rule are sent now (the receiver
   * would otherwise keep a firing alert for good); a condition still active stays firing.
   */
  synchronized void sendPendingResolutions(long nowNanos, long nowMillis) {
    for (var e : states.entrySet()) {
      State st = e.getValue();
      if (!st.firing || st.activeSince >= 0) continue;
      String[] k = e.getKey().split("\u0000", -1);
      st.firing = false;
      st.lastTold = nowNanos;
      sink.send(new Alert("resolved", k[0], k[1], k[2].isEmpty() ? null : k[2], resolved(k[0], k[1], k[2], st.removed, nowMillis - st.sinceMillis),
          Instant.ofEpochMilli(st.sinceMillis).toString(), Instant.ofEpochMilli(nowMillis).toString(), 0, host));
    }
  }

  private void update(Set<String> seen, String condition, String sync, String target, boolean active, long holdNanos, long now,
      long nowMillis, double value, String summary) {
    String key = condition + "\u0000" + sync + "\u0000" + target;
    if (seen != null) seen.add(key);
    State st = states.get(key);
    if (st == null) {
      if (!active) return;
      states.put(key, st = new State());
    }
    if (seen != null) st.removed = null; // configured (again)
    if (active && st.activeSince < 0) {
      st.activeSince = now;
      st.sinceMillis = nowMillis;
    } else if (!active) {
      st.activeSince = -1;
    }
    boolean want = active && (st.firing || now - st.activeSince >= holdNanos);
    if (want == st.firing) {
      if (!active && !st.firing && (!st.told || now - st.lastTold >= MINUTE_NANOS)) states.remove(key);
      return;
    }
    if (st.told && now - st.lastTold < MINUTE_NANOS) return; // at most one notice per condition per minute
    st.firing = want;
    st.told = true;
    st.lastTold = now;
    sink.send(new Alert(want ? "firing" : "resolved", condition, sync, target.isEmpty() ? null : target,
        want ? summary : resolved(condition, sync, target, st.removed, nowMillis - st.sinceMillis), Instant.ofEpochMilli(st.sinceMillis).toString(), Instant.ofEpochMilli(nowMillis).toString(),
        value, host));
  }

  private static String resolved(String condition, String sync, String target, String removed, long afterMillis) {
    String what = removed != null ? removed : switch (condition) {
      case "target_down" -> "target " + target + " of sync " + sync + " works again";
      case "lag" -> "target " + target + " of sync " + sync + " has caught up";
      case "watches" -> "sync " + sync + " watches every directory again";
      case "deletions_held" -> "target " + target + " of sync " + sync + " holds no deletions any more";
      default -> condition + " of sync " + sync + " is over";
    };
    return "resolved: " + what + " (" + afterMillis / 1000 + " s after it began)";
  }

  /** The kernel's host name (no DNS lookup: the network may be what is failing). */
  private static String hostName() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
