package dev.livesync.ops.service;

import dev.livesync.fs.UnixDatagram;
import dev.livesync.sync.EngineStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's notify protocol ({@code sd_notify(3)}) over {@code $NOTIFY_SOCKET}, for a
 * {@code Type=notify} unit: {@code READY=1}, {@code STATUS=…}, {@code WATCHDOG=1} and
 * {@code STOPPING=1}. Without {@code $NOTIFY_SOCKET} (not under systemd) every call does nothing.
 * A message that cannot be sent is logged once and otherwise ignored: replication never stops
 * because systemd is not listening.
 *
 * <pre>
 * var sd = SystemdNotify.fromEnvironment(System.getenv());
 * sd.ready("watching");
 * sd.heartbeat(() -&gt; loopsHealthy(), () -&gt; "lag 0.3 s, queue 12 paths", Duration.ofSeconds(5));
 * sd.stopping();
 * sd.close();
 * </pre>
 */
public final class SystemdNotify implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);
  private static final SystemdNotify NONE = new SystemdNotify(null, null);

  private final String address;
  private final Duration watchdog;
  private UnixDatagram socket;
  private Thread beat;
  private volatile boolean closed;
  private boolean warned;

  private SystemdNotify(String address, Duration watchdog) {
    this.address = address;
    this.watchdog = watchdog;
  }

  /**
   * From {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC} and {@code WATCHDOG_PID} (the watchdog is ours
   * only when WATCHDOG_PID is unset or our pid), as systemd sets them.
   */
  public static SystemdNotify fromEnvironment(Map<String, String> env) {
    String address = env.get("NOTIFY_SOCKET");
    if (address == null || address.isEmpty()) return NONE;
    Duration watchdog = null;
    String usec = env.get("WATCHDOG_USEC");
    String pid = env.get("WATCHDOG_PID");
    boolean ours = pid == null || pid.isEmpty() || pid.equals(Long.toString(ProcessHandle.current().pid()));
    if (usec != null && ours) {
      try {
        long us = Long.parseLong(usec.trim());
        if (us > 0) watchdog = Duration.ofNanos(us * 1000);
      } catch (NumberFormatException e) {
        log.warn("WATCHDOG_USEC={} is not a number of microseconds; no watchdog pings", usec);
      }
    }
    return new SystemdNotify(address, watchdog);
  }

  /** True when systemd listens (NOTIFY_SOCKET was set). */
  public boolean active() {
    return address != null;
  }

  /** The watchdog interval systemd asked for (WatchdogSec=), or null. */
  public Duration watchdog() {
    return watchdog;
  }

  /** Start-up is complete: the unit becomes active. */
  public void ready(String status) {
    send("READY=1\nSTATUS=" + oneLine(status));
  }

  public void status(String status) {
    send("STATUS=" + oneLine(status));
  }

  /** The drain began: systemd shows the unit as deactivating; the heartbeat stops. */
  public void stopping(String status) {
    stopHeartbeat();
    send("STOPPING=1\nSTATUS=" + oneLine(status));
  }

  /**
   * Starts a daemon thread that sends {@code STATUS=} (from {@code status}) every {@code statusEvery}
   * and, when systemd asked for a watchdog, {@code WATCHDOG=1} every half of its interval — but only
   * while {@code turnedWithin} says every engine loop turned within the nanoseconds it is given (half
   * the watchdog interval, at least 3 s: a healthy loop turns at least once a second). A stuck loop
   * stops the pings, and systemd restarts the unit once WatchdogSec= has passed without one.
   */
  public synchronized void heartbeat(LongPredicate turnedWithin, Supplier<String> status, Duration statusEvery) {
    if (!active() || beat != null) return;
    long pingNanos = watchdog == null ? Long.MAX_VALUE : Math.max(50_000_000L, watchdog.toNanos() / 2);
    long statusNanos = statusEvery.toNanos();
    long stuckNanos = Math.max(3_000_000_000L, watchdog == null ? 0 : watchdog.toNanos() / 2);
    BooleanSupplier healthy = () -> turnedWithin.test(stuckNanos);
    beat = Thread.ofPlatform().daemon().name("livesync-sd-notify").start(() -> {
      long nextStatus = System.nanoTime() + statusNanos;
      boolean wasHealthy = true;
      while (!closed) {
        long now = System.nanoTime();
        try {
          boolean ok = healthy.getAsBoolean();
          if (watchdog != null && ok) send("WATCHDOG=1");
          if (ok != wasHealthy) {
            log.warn(ok ? "the engine loop turns again: watchdog pings resume"
                : "an engine loop has not turned for a while: no watchdog pings until it does (systemd restarts the unit after WatchdogSec=)");
            wasHealthy = ok;
          }
          if (now >= nextStatus) {
            send("STATUS=" + oneLine(ok ? status.get() : "engine loop stuck; " + status.get()));
            nextStatus = now + statusNanos;
          }
        } catch (RuntimeException e) {
          log.warn("systemd heartbeat: {}", e.toString());
        }
        long sleep = Math.min(pingNanos, Math.max(0, nextStatus - System.nanoTime()));
        try {
          Thread.sleep(Duration.ofNanos(Math.max(10_000_000L, sleep)));
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  private void stopHeartbeat() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = beat;
    }
    if (t == null || t == Thread.currentThread()) return;
    t.interrupt();
    try {
      t.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void send(String message) {
    if (address == null) return;
    try {
      if (socket == null) socket = UnixDatagram.open();
      socket.send(address, message.getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      if (!warned) log.warn("cannot notify systemd at NOTIFY_SOCKET={}: {}", address, e.getMessage());
      warned = true;
    }
  }

  /** The STATUS= line of {@code run}: syncs, the worst lag, what is queued, targets not ok. */
  public static String describe(List<EngineStatus> syncs) {
    long lag = 0, paths = 0, items = 0, failing = 0, targets = 0;
    for (EngineStatus s : syncs) {
      paths += s.pendingPaths();
      for (EngineStatus.Target t : s.targets()) {
        targets++;
        lag = Math.max(lag, t.lagMillis());
        paths += t.queuedPaths();
        items += t.queuedItems();
        if (t.state().equals("retrying") || t.state().equals("failed")) failing++;
      }
    }
    return String.format(Locale.ROOT, "%d sync(s), %d target(s)%s; lag %.1f s; queue %d path(s) in %d item(s)",
        syncs.size(), targets, failing == 0 ? "" : " (" + failing + " failing)", lag / 1000.0, paths, items);
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ');
  }

  @Override
  public void close() {
    stopHeartbeat();
    synchronized (this) {
      if (socket != null) socket.close();
      socket = null;
    }
  }
}
