package dev.livesync.settings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Every setting of a sync, with its name in the config file, its name on the command line, its
 * default and its {@link Rule}. The engine's own settings types ({@code EngineSettings},
 * {@code TargetOptions}) check each value through its key, so a value is accepted or refused the
 * same way — with the same words — whether it came from a flag, the config file, {@code start},
 * {@code doctor} or {@code verify}; a refusal is a {@link SettingException} naming the key, which
 * each front-end prefixes with where the value came from ({@code --workers 1000:} or
 * {@code FILE:LINE:COL: sync[0].workers:}).
 *
 * <p>{@link #configName()} is relative to the table the key lives in ({@link #scope()}):
 * {@code sync[i]}, {@code sync[i].target[j]} or the top level. A key without a config name or a
 * flag exists only on the other side (or only inside the engine).
 */
public enum Key {
  // one sync: [[sync]], and run's SOURCE and flags
  SOURCE(Scope.SYNC, "source", "source", null, new Rule.AbsolutePath()),
  NAME(Scope.SYNC, "name", "--name", null,
      new Rule.Text(Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"),
          "letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64 characters (it names the state directory)")),
  EXCLUDE(Scope.SYNC, "exclude", "--exclude", null,
      new Rule.Text(Pattern.compile("[^\\x00\\n\\r]+"), "a non-empty rsync exclude pattern such as *.tmp, cache/, /top-level-only")),
  DELAY(Scope.SYNC, "delay", "--delay", "200ms", span("0ms", "1h")),
  MAX_HOLD(Scope.SYNC, "max_hold", "--max-hold", "10s", span("0ms", "1h")),
  WORKERS(Scope.SYNC, "workers", "--workers", "4", new Rule.Whole(1, 64)),
  BATCH_MAX_FILES(Scope.SYNC, "batch_max_files", "--batch-max-files", "2000", new Rule.Whole(1, 1_000_000)),
  BATCH_MAX_BYTES(Scope.SYNC, "batch_max_bytes", "--batch-max-bytes", "64MiB", new Rule.Size(1, 1L << 40)),
  LARGE_FILE_THRESHOLD(Scope.SYNC, "large_file_threshold", "--large-file-threshold", "16MiB", new Rule.Size(1, 1L << 40)),
  DELETE(Scope.SYNC, "delete", "--delete", "always", new Rule.Choice(List.of("always", "startup", "running", "never"))),
  SCHEDULE(Scope.SYNC, "schedule", "--schedule", null, span("1s", "365d")),
  RETRY_INITIAL(Scope.SYNC, "retry.initial", "--retry-initial", "1s", span("1ms", "1h")),
  RETRY_MAX(Scope.SYNC, "retry.max", "--retry-max", "60s", span("1ms", "1d")),
  EXEC(Scope.SYNC, "exec", "--exec", null, new Rule.Text(Pattern.compile("(?s).*\\S.*"), "a command (run with sh -c)")),
  WATCHER(Scope.SYNC, "watcher", "--watcher", "auto", new Rule.Choice(List.of("auto", "inotify", "fanotify"))),
  MAX_DELETE(Scope.SYNC, "max_delete", "--max-delete", "50%", new Rule.DeleteLimit()),
  STARTUP(Scope.SYNC, "startup", "--startup", "changes", new Rule.Choice(List.of("changes", "full"))),
  /** Inside the engine only: a target with more queued paths than this gets one full sync instead. */
  MAX_QUEUED_PATHS(Scope.SYNC, null, null, "200000", new Rule.Whole(1, Long.MAX_VALUE)),

  // one target: [[sync.target]], and run's TARGET and per-target flags
  URL(Scope.TARGET, "url", "target", null,
      new Rule.Custom("rsync://[user@]host[:port]/module[/path], [user@]host::module[/path], [user@]host:/path (ssh) or a local directory")),
  PASSWORD_FILE(Scope.TARGET, "password_file", "--password-file", null, new Rule.AbsolutePath()),
  SSH_KEY(Scope.TARGET, "ssh_key", "--ssh-key", null, new Rule.AbsolutePath()),
  SSH_PORT(Scope.TARGET, "ssh_port", "--ssh-port", null, new Rule.Whole(1, 65535)),
  KNOWN_HOSTS(Scope.TARGET, "known_hosts", "--known-hosts", null, new Rule.AbsolutePath()),
  BWLIMIT(Scope.TARGET, "bwlimit", "--bwlimit", null,
      new Rule.Rate()),
  COMPRESS(Scope.TARGET, "compress", "--compress", "false", new Rule.Switch()),
  CHECKSUM(Scope.TARGET, "checksum", "--checksum", "false", new Rule.Switch()),
  EXTRA_ARGS(Scope.TARGET, "extra_args", "--rsync-arg", null,
      new Rule.Custom("an rsync option, with its value in the same argument, that does not break the engine")),
  TIMEOUT(Scope.TARGET, "timeout", "--timeout", "120s", new Rule.Seconds(Duration.ofDays(1))),
  VERSIONS(Scope.TARGET, "versions", "--versions", null, span("1m", "3650d")),

  // the process: the config's top level, and run's flags
  STATE_DIR(Scope.RUN, "state_dir", "--state-dir", null, new Rule.AbsolutePath()),
  LOG_FILE(Scope.RUN, "log_file", "--log-file", null, new Rule.AbsolutePath()),
  LOG_LEVEL(Scope.RUN, "log_level", "--log-level", "info", new Rule.Choice(List.of("error", "warn", "info", "debug", "trace"))),
  STATUS_SOCKET(Scope.RUN, "status_socket", "--status-socket", null, new Rule.AbsolutePath()),
  STOP_TIMEOUT(Scope.RUN, "stop_timeout", "--stop-timeout", "30s", span("0ms", "1h")),
  /** No default text: twice the CPUs, at least 4 (TransferSlots#defaultLimit). */
  MAX_TRANSFERS(Scope.RUN, "max_transfers", "--max-transfers", null, new Rule.Whole(1, 1024)),

  // the backup host: serve's flags and the config's [serve] (serve's --versions is VERSIONS, pruned there)
  SNAPSHOTS(Scope.SERVE, "snapshots", "--snapshots", null,
      new Rule.Text(Pattern.compile("(?i)\\s*(hourly|daily|weekly)\\s*=\\s*\\d{1,5}\\s*(,\\s*(hourly|daily|weekly)\\s*=\\s*\\d{1,5}\\s*)*"),
          "how many snapshots to keep per period, such as hourly=24,daily=14,weekly=8 (each 0 to 10000, at least one above 0)"));

  /** Where a key lives: the config's top level (and run's process flags), a [[sync]], a [[sync.target]], or [serve]. */
  public enum Scope { RUN, SYNC, TARGET, SERVE }

  private final Scope scope;
  private final String configName;
  private final String cliName;
  private final String defaultText;
  private final Rule rule;

  Key(Scope scope, String configName, String cliName, String defaultText, Rule rule) {
    this.scope = scope;
    this.configName = configName;
    this.cliName = cliName;
    this.defaultText = defaultText;
    this.rule = rule;
  }

  private static Rule.Span span(String min, String max) {
    return new Rule.Span(Durations.parse(min), Durations.parse(max));
  }

  public Scope scope() {
    return scope;
  }

  /** The key in the config file, relative to its table ({@code workers}, {@code retry.max}); null: none. */
  public String configName() {
    return configName;
  }

  /** The flag ({@code --workers}), or {@code source}/{@code target} for run's arguments; null: none. */
  public String cliName() {
    return cliName;
  }

  /** The default as written in the config and on the command line; null: none (off, or required). */
  public String defaultText() {
    return defaultText;
  }

  public Rule rule() {
    return rule;
  }

  /** "expected ..." words: what the key accepts. */
  public String expected() {
    return rule.expected();
  }

  /**
   * How a message names a key to the user, as the user gave the value: on the command line (the
   * flag) or in the config file (the key); {@link SettingException#words} takes the same choice.
   */
  public enum Naming {
    FLAG, CONFIG;

    public String name(Key k) {
      String preferred = this == FLAG ? k.cliName() : k.configName();
      return preferred != null ? preferred : this == FLAG ? k.configName() : k.cliName();
    }

    /** {@code k} set to {@code value} as the user writes it: {@code --watcher inotify}, {@code watcher = "inotify"}. */
    public String set(Key k, String value) {
      return this == FLAG ? name(k) + " " + value : name(k) + " = \"" + value + "\"";
    }
  }

  /** The key whose flag is {@code cliName}, or null. */
  public static Key byCliName(String cliName) {
    for (Key k : values()) if (cliName.equals(k.cliName)) return k;
    return null;
  }

  // ---- checks: each returns the value when the rule accepts it, else throws a SettingException

  /** {@code v} within a {@link Rule.Whole}. */
  public long whole(long v) {
    var r = (Rule.Whole) rule;
    if (v < r.min() || v > r.max()) throw refuse(Long.toString(v));
    return v;
  }

  /** {@code d} within a {@link Rule.Span} or {@link Rule.Seconds}. */
  public Duration duration(Duration d) {
    boolean ok = switch (rule) {
      case Rule.Span s -> d.compareTo(s.min()) >= 0 && d.compareTo(s.max()) <= 0;
      case Rule.Seconds s -> d.isZero() || d.getNano() == 0 && d.compareTo(Duration.ofSeconds(1)) >= 0 && d.compareTo(s.max()) <= 0;
      default -> throw new IllegalStateException(this + " is not a duration");
    };
    if (!ok) throw refuse(Durations.format(d));
    return d;
  }

  /** Parses {@code text} as a duration and checks it. */
  public Duration duration(String text) {
    return parsed(text, Durations::parse, this::duration);
  }

  /** {@code text} parsed (null: not of the kind) and checked; either refusal shows {@code text} as written. */
  private <T> T parsed(String text, java.util.function.Function<String, T> parse, java.util.function.UnaryOperator<T> check) {
    T v = parse.apply(text);
    if (v == null) throw refuse(text);
    try {
      return check.apply(v);
    } catch (SettingException e) {
      throw refuse(text);
    }
  }

  /** {@code n} bytes within a {@link Rule.Size}. */
  public long size(long n) {
    var r = (Rule.Size) rule;
    if (n < r.min() || n > r.max()) throw refuse(Long.toString(n));
    return n;
  }

  /** Parses {@code text} as a size and checks it. */
  public long size(String text) {
    return parsed(text, Sizes::parse, n -> size((long) n));
  }

  /** One of a {@link Rule.Choice}'s words, in lower case. */
  public String choice(String text) {
    String v = text.strip().toLowerCase(Locale.ROOT);
    if (!((Rule.Choice) rule).values().contains(v)) throw refuse(text);
    return v;
  }

  /** {@code text} as a {@link Rule.DeleteLimit}: 0% to 100%, a number of paths, or off. */
  public MaxDelete maxDelete(String text) {
    MaxDelete m = text == null ? null : MaxDelete.parse(text);
    if (m == null || m.percent() > 100) throw refuse(text);
    return m;
  }

  /** {@code text} as a {@link SnapshotRetention}. */
  public SnapshotRetention snapshots(String text) {
    SnapshotRetention r = text == null ? null : SnapshotRetention.parse(text);
    if (r == null) throw refuse(text);
    return r;
  }

  /** {@code text} matching a {@link Rule.Text}'s pattern, or a {@link Rule.Rate} rsync takes. */
  public String text(String text) {
    boolean ok = text != null && (rule instanceof Rule.Rate ? BwLimit.bytesPerSecond(text) >= 0 : ((Rule.Text) rule).pattern().matcher(text).matches());
    if (!ok) throw refuse(text);
    return text;
  }

  /**
   * An exclude pattern ({@link Rule.Text}) that leaves something to replicate: {@code *}, {@code **},
   * {@code /*} exclude every path (a shell's unquoted {@code --exclude *} can leave such a one), and a
   * sync that sends nothing looks healthy. Nor one that rsync reads as a rule ({@code - *.tmp},
   * {@code + keep}, {@code !}): rsync's {@code --exclude} takes those prefixes, so full syncs would
   * leave out other paths than the live events.
   */
  public String exclude(String text) {
    text(text);
    if (text.matches("/?\\*+")) {
      throw refuse(text, "excludes every path of the source, so nothing would be replicated (a pattern such as *.tmp, cache/ or"
          + " /top-level-only excludes some)");
    }
    // rsync's --exclude reads these prefixes as rules (its "old prefixes"), livesync's matcher would take them as names:
    // live events and full syncs would then leave out different paths
    if (text.startsWith("- ")) {
      throw refuse(text, "rsync reads '- ' as a rule prefix, not as part of a name: write the pattern alone (" + text.substring(2).replace("%", "%%") + ")");
    }
    if (text.startsWith("+ ")) {
      throw refuse(text, "rsync reads '+ ' as an include rule, which an exclude list cannot hold: every path no pattern excludes is"
          + " replicated, so leave it out and narrow the patterns that exclude it");
    }
    if (text.equals("!")) {
      throw refuse(text, "rsync reads '!' as 'forget the patterns before it': full syncs would send and delete what they exclude; leave it out");
    }
    return text;
  }

  /** An absolute path, normalized. */
  public Path absolutePath(Path p) {
    // '--password-file= /etc/rsync.password' (the tutorial's spelling): the value is empty, the file the next argument
    if (p.toString().isEmpty()) throw refuse("", "is empty: give a path (no space after '=')");
    if (!p.isAbsolute()) throw refuse(p.toString());
    return p.normalize();
  }

  /** "expected ..." for {@code value}. */
  public SettingException refuse(String value) {
    return new SettingException(this, value, "expected " + expected());
  }

  /**
   * {@code words} about {@code value}; {@code %s} in them stands for the name of each of
   * {@code refs} as the front-end calls it ("expected at least %s" → "--retry-initial").
   */
  public SettingException refuse(String value, String words, Key... refs) {
    return new SettingException(this, value, words, refs);
  }
}
