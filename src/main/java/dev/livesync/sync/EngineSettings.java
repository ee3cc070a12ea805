package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.settings.Dirs;
import dev.livesync.settings.Key;
import dev.livesync.settings.MaxDelete;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetSpec;
import dev.livesync.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything one sync (a source and its targets) needs, however it was given — run's flags, a
 * [[sync]] of the config file — and checked when made: each value by its {@link Key}, so an
 * instance holds only what the rules accept, and the command line and the config refuse the same
 * values with the same words. Build with {@link #builder}; {@code schedule} null = no periodic full
 * sync; {@code exec} null = no hook. The targets are descriptions; {@link #openTransports} makes
 * the rsync transports that {@link Replicator#start} runs.
 */
public record EngineSettings(
    String name,
    byte[] source,
    List<TargetSpec> targets,
    Excludes excludes,
    Duration delay,
    Duration maxHold,
    int workers,
    DeletePolicy delete,
    Path stateDir,
    String exec,
    Duration schedule,
    int maxPaths,
    long maxBytes,
    long largeFile,
    long maxQueuedPaths,
    Duration retryBase,
    Duration retryCap,
    WatcherChoice.Kind watcher,
    MaxDelete maxDelete,
    StartupMode startup,
    long readAhead,
    Key.Naming naming) {

  public static final Duration DEFAULT_DELAY = Key.DELAY.duration(Key.DELAY.defaultText());
  public static final Duration DEFAULT_MAX_HOLD = Key.MAX_HOLD.duration(Key.MAX_HOLD.defaultText());
  public static final int DEFAULT_WORKERS = (int) Key.WORKERS.whole(Long.parseLong(Key.WORKERS.defaultText()));
  /** Batches grow up to this under load (the benchmarks in docs/benchmarks.md ran with it). */
  public static final int DEFAULT_BATCH_MAX_FILES = (int) Key.BATCH_MAX_FILES.whole(Long.parseLong(Key.BATCH_MAX_FILES.defaultText()));
  public static final long DEFAULT_BATCH_MAX_BYTES = Key.BATCH_MAX_BYTES.size(Key.BATCH_MAX_BYTES.defaultText());
  public static final long DEFAULT_LARGE_FILE = Key.LARGE_FILE_THRESHOLD.size(Key.LARGE_FILE_THRESHOLD.defaultText());
  /** A target with more queued paths than this gets one full sync instead (it was down for long). */
  public static final long DEFAULT_MAX_QUEUED_PATHS = Key.MAX_QUEUED_PATHS.whole(Long.parseLong(Key.MAX_QUEUED_PATHS.defaultText()));
  public static final Duration DEFAULT_RETRY_INITIAL = Key.RETRY_INITIAL.duration(Key.RETRY_INITIAL.defaultText());
  public static final Duration DEFAULT_RETRY_MAX = Key.RETRY_MAX.duration(Key.RETRY_MAX.defaultText());
  /** See {@link Builder#readAhead}. */
  public static final long DEFAULT_READ_AHEAD = 16L << 20;
  public static final WatcherChoice.Kind DEFAULT_WATCHER = WatcherChoice.Kind.parse(Key.WATCHER.choice(Key.WATCHER.defaultText()));
  public static final MaxDelete DEFAULT_MAX_DELETE = Key.MAX_DELETE.maxDelete(Key.MAX_DELETE.defaultText());
  public static final StartupMode DEFAULT_STARTUP = StartupMode.parse(Key.STARTUP.defaultText());

  public EngineSettings {
    name = Key.NAME.text(name);
    if (source == null || source.length == 0 || source[0] != '/') throw Key.SOURCE.refuse(source == null ? "" : Bytes.display(source));
    source = source.clone();
    targets = List.copyOf(targets);
    Objects.requireNonNull(excludes, "excludes");
    if (naming == null) naming = Key.Naming.FLAG;
    for (String p : excludes.patterns()) Key.EXCLUDE.exclude(p);
    Key.DELAY.duration(delay);
    Key.MAX_HOLD.duration(maxHold);
    Key.WORKERS.whole(workers);
    Objects.requireNonNull(delete, "delete");
    stateDir = Key.STATE_DIR.absolutePath(stateDir);
    if (exec != null) Key.EXEC.text(exec);
    if (schedule != null) Key.SCHEDULE.duration(schedule);
    Key.BATCH_MAX_FILES.whole(maxPaths);
    Key.BATCH_MAX_BYTES.size(maxBytes);
    Key.LARGE_FILE_THRESHOLD.size(largeFile);
    Key.MAX_QUEUED_PATHS.whole(maxQueuedPaths);
    Key.RETRY_INITIAL.duration(retryBase);
    Key.RETRY_MAX.duration(retryCap);
    Objects.requireNonNull(watcher, "watcher");
    Objects.requireNonNull(maxDelete, "maxDelete");
    Objects.requireNonNull(startup, "startup");
    if (retryCap.compareTo(retryBase) < 0) {
      throw Key.RETRY_MAX.refuse(dev.livesync.settings.Durations.format(retryCap),
          "expected at least %s (" + dev.livesync.settings.Durations.format(retryBase) + ")", Key.RETRY_INITIAL);
    }
  }

  /**
   * The name of a sync of {@code source} that was given none: its path, slashes and other characters
   * a name cannot hold made '_' ({@code /srv/www} → {@code srv_www}). When more than slashes had to go
   * (spaces, letters outside ASCII) or the path was cut to fit, the name ends in 8 hex digits of a hash
   * of the whole path: {@code /data/日本} and {@code /data/中国}, {@code /srv/a b} and {@code /srv/a_b}
   * would otherwise share a name, and with it a state dir. At most 64 characters.
   */
  public static String defaultName(byte[] source) {
    String path = new String(source, java.nio.charset.StandardCharsets.UTF_8);
    String s = path.replaceAll("[^A-Za-z0-9._-]+", "_");
    boolean lossy = !path.matches("[A-Za-z0-9._/-]*") || s.length() > 64;
    if (lossy) {
      String hash = String.format("%08x", java.util.Arrays.hashCode(source));
      s = s.replaceAll("_+$", "");
      if (s.length() > 55) s = s.substring(s.length() - 55);
      s = s + "-" + hash;
    }
    s = s.replaceAll("^[._-]+|_+$", "");
    return s.isEmpty() ? "root" : s;
  }

  /** Where a sync named {@code name} keeps its journal under the state root {@code root}. */
  public static Path stateDirOf(Path root, String name) {
    return root.resolve(Key.NAME.text(name));
  }

  /** A sync named {@code name} of {@code source}, every other setting at its default (state under {@link Dirs#state()}). */
  public static Builder builder(String name, byte[] source) {
    return new Builder(name, source);
  }

  public Builder toBuilder() {
    return new Builder(name, source).targets(targets).excludes(excludes.patterns()).delay(delay).maxHold(maxHold).workers(workers)
        .delete(delete).stateDir(stateDir).exec(exec).schedule(schedule).batchMaxFiles(maxPaths).batchMaxBytes(maxBytes)
        .largeFileThreshold(largeFile).maxQueuedPaths(maxQueuedPaths).retry(retryBase, retryCap).watcher(watcher).maxDelete(maxDelete)
        .startup(startup).naming(naming);
  }

  /**
   * One rsync transport per target, with the sync's excludes; the caller closes them (the engine does
   * once started). {@code lookAtSessions} (a running sync's): an ssh target also looks once at what
   * its sessions cost, and logs a warning when its login shell slows every run
   * ({@link RsyncTransport#lookAtSessions}).
   */
  public List<Transport> openTransports(boolean lookAtSessions) {
    List<Transport> out = new ArrayList<>();
    try {
      for (TargetSpec t : targets) {
        var r = new RsyncTransport(source, new TargetSpec(t.target(), t.options().toBuilder().excludes(excludes.patterns()).build()));
        out.add(lookAtSessions ? r.lookAtSessions() : r);
      }
    } catch (RuntimeException e) {
      out.forEach(Transport::close);
      throw e;
    }
    return out;
  }

  // a record compares arrays by identity: the source by content, so that an unchanged sync is equal on reload
  // (a new component goes into equals too: EngineSettingsTest fails until it does)
  @Override
  public boolean equals(Object o) {
    return o instanceof EngineSettings s && name.equals(s.name) && Arrays.equals(source, s.source) && targets.equals(s.targets)
        && excludes.equals(s.excludes) && delay.equals(s.delay) && maxHold.equals(s.maxHold) && workers == s.workers
        && delete == s.delete && stateDir.equals(s.stateDir) && Objects.equals(exec, s.exec) && Objects.equals(schedule, s.schedule)
        && maxPaths == s.maxPaths && maxBytes == s.maxBytes && largeFile == s.largeFile && maxQueuedPaths == s.maxQueuedPaths
        && retryBase.equals(s.retryBase) && retryCap.equals(s.retryCap) && watcher == s.watcher
        && maxDelete.equals(s.maxDelete) && startup == s.startup && readAhead == s.readAhead
        && naming == s.naming;
  }

  /** {@link #watcher} set to each kind, as the user gives it (for {@link WatcherChoice#decide}'s words). */
  public java.util.function.Function<WatcherChoice.Kind, String> watcherSetting() {
    return k -> naming.set(Key.WATCHER, k.word());
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(source), targets, delay, workers, stateDir);
  }

  @Override
  public String toString() {
    return "EngineSettings[" + name + ": " + Bytes.display(source) + " -> " + targets.stream().map(TargetSpec::describe).toList() + "]";
  }

  /** Unset values are the defaults; {@link #build()} checks every value (see {@link Key}). */
  public static final class Builder {
    private final String name;
    private final byte[] source;
    private List<TargetSpec> targets = new ArrayList<>();
    private List<String> excludes = List.of();
    private Duration delay = DEFAULT_DELAY;
    private Duration maxHold = DEFAULT_MAX_HOLD;
    private int workers = DEFAULT_WORKERS;
    private DeletePolicy delete = DeletePolicy.ALWAYS;
    private Path stateDir;
    private String exec;
    private Duration schedule;
    private int batchMaxFiles = DEFAULT_BATCH_MAX_FILES;
    private long batchMaxBytes = DEFAULT_BATCH_MAX_BYTES;
    private long largeFile = DEFAULT_LARGE_FILE;
    private long maxQueuedPaths = DEFAULT_MAX_QUEUED_PATHS;
    private Duration retryInitial = DEFAULT_RETRY_INITIAL;
    private Duration retryMax;
    private WatcherChoice.Kind watcher = DEFAULT_WATCHER;
    private MaxDelete maxDelete = DEFAULT_MAX_DELETE;
    private StartupMode startup = DEFAULT_STARTUP;
    private long readAhead = DEFAULT_READ_AHEAD;
    private Key.Naming naming = Key.Naming.FLAG;

    private Builder(String name, byte[] source) {
      this.name = name;
      this.source = source;
    }

    public Builder target(TargetSpec t) {
      targets.add(t);
      return this;
    }

    public Builder targets(List<TargetSpec> ts) {
      targets = new ArrayList<>(ts);
      return this;
    }

    public Builder excludes(List<String> patterns) {
      excludes = patterns;
      return this;
    }

    public Builder delay(Duration d) {
      delay = d;
      return this;
    }

    public Builder maxHold(Duration d) {
      maxHold = d;
      return this;
    }

    public Builder workers(int n) {
      workers = n;
      return this;
    }

    public Builder delete(DeletePolicy p) {
      delete = p;
      return this;
    }

    /** The sync's own journal directory (default: its name under {@link Dirs#state()}). */
    public Builder stateDir(Path dir) {
      stateDir = dir;
      return this;
    }

    public Builder exec(String command) {
      exec = command;
      return this;
    }

    public Builder schedule(Duration every) {
      schedule = every;
      return this;
    }

    public Builder batchMaxFiles(int n) {
      batchMaxFiles = n;
      return this;
    }

    public Builder batchMaxBytes(long n) {
      batchMaxBytes = n;
      return this;
    }

    public Builder largeFileThreshold(long n) {
      largeFile = n;
      return this;
    }

    public Builder maxQueuedPaths(long n) {
      maxQueuedPaths = n;
      return this;
    }

    public Builder retry(Duration initial, Duration max) {
      return retryInitial(initial).retryMax(max);
    }

    public Builder retryInitial(Duration d) {
      retryInitial = d;
      return this;
    }

    /** Unset: the default, or the initial delay if that is longer. */
    public Builder retryMax(Duration d) {
      retryMax = d;
      return this;
    }

    /** Where the settings came from, for the messages that name one: flags (the default) or a config file's keys. */
    public Builder naming(Key.Naming n) {
      naming = Objects.requireNonNull(n, "naming");
      return this;
    }

    /** What the source is watched with (see {@link WatcherChoice}). */
    public Builder watcher(WatcherChoice.Kind w) {
      watcher = w;
      return this;
    }

    /** {@code auto}, {@code inotify} or {@code fanotify}, checked by {@link Key#WATCHER}; null: the default. */
    public Builder watcher(String word) {
      if (word != null) watcher = WatcherChoice.Kind.parse(Key.WATCHER.choice(word));
      return this;
    }

    /** The mass-deletion guard's threshold (default 50%; {@link MaxDelete#OFF}: no guard). */
    public Builder maxDelete(MaxDelete m) {
      maxDelete = m == null ? DEFAULT_MAX_DELETE : m;
      return this;
    }

    /** What a start does for a target: catch up on the changes since a clean stop, or a full sync ({@link StartupMode}). */
    public Builder startup(StartupMode m) {
      startup = m == null ? DEFAULT_STARTUP : m;
      return this;
    }

    /** {@code changes} or {@code full}, checked by {@link Key#STARTUP}; null: the default. */
    public Builder startup(String word) {
      if (word != null) startup = StartupMode.parse(word);
      return this;
    }

    /**
     * How many bytes of the kernel's events a thread of their own reads ahead of the engine (0: none):
     * not a setting users need (the default holds about half a million inotify events, 30 times the
     * kernel's default queue); tests lower it to make the kernel's queue overflow.
     */
    public Builder readAhead(long bytes) {
      readAhead = bytes;
      return this;
    }

    public EngineSettings build() {
      Path dir = stateDir != null ? stateDir : stateDirOf(Dirs.state().toAbsolutePath(), name);
      Duration cap = retryMax != null ? retryMax
          : retryInitial != null && retryInitial.compareTo(DEFAULT_RETRY_MAX) > 0 ? retryInitial : DEFAULT_RETRY_MAX;
      return new EngineSettings(name, source, targets, new Excludes(excludes), delay, maxHold, workers, delete, dir, exec, schedule,
          batchMaxFiles, batchMaxBytes, largeFile, maxQueuedPaths, retryInitial, cap, watcher, maxDelete, startup, readAhead, naming);
    }
  }
}
