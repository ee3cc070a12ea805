package dev.livesync.config;

import dev.livesync.sync.DeletePolicy;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.livesync.LivesyncException;
import dev.livesync.fs.Bytes;
import dev.livesync.transport.PassThroughArgs;
import dev.livesync.transport.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads livesync.toml into {@link Config}. Every problem is a {@link ConfigException} whose message
 * starts with {@code file:line:column:} and says what was expected: TOML syntax, unknown keys (with
 * a did-you-mean), wrong types, values out of range, missing required keys, malformed targets and
 * rsync options that would break the engine.
 */
public final class ConfigLoader {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern BWLIMIT = Pattern.compile("\\d+(\\.\\d+)?([KMGTP](i?B)?)?", Pattern.CASE_INSENSITIVE);
  private static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug", "trace");

  private ConfigLoader() {}

  /** Loads {@code file}; a missing file is an error that names the path. */
  public static Config load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist"
          + (file.equals(Config.DEFAULT_PATH) ? " (the default path; pass --config FILE to use another)" : ""));
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ConfigException(file + ": not valid UTF-8 (TOML files are UTF-8)");
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file);
  }

  /** Parses {@code text} as if read from {@code file} (used in messages and for relative defaults). */
  public static Config parse(String text, Path file) {
    String name = file.toString();
    JsonNode tree;
    try {
      tree = new TomlMapper().readTree(text);
    } catch (JacksonException e) {
      var loc = e.getLocation();
      String at = loc == null || loc.getLineNr() < 1 ? name + ":1:1" : name + ":" + loc.getLineNr() + ":" + Math.max(1, loc.getColumnNr());
      throw new ConfigException(at + ": invalid TOML: " + e.getOriginalMessage(), e);
    }
    if (!(tree instanceof ObjectNode root)) throw new ConfigException(name + ":1:1: expected a TOML document");
    var src = new Section.Source(name, new TomlPositions(text));
    return new ConfigLoader().config(new Section(root, "", "the top level", src), file);
  }

  private Config config(Section top, Path file) {
    Path stateDir = top.absolutePath("state_dir", Config.DEFAULT_STATE_DIR);
    Path logFile = top.absolutePath("log_file", null);
    String logLevel = top.string("log_level", Config.DEFAULT_LOG_LEVEL).toLowerCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(logLevel)) {
      throw top.error("log_level", "log_level: expected one of error, warn, info, debug, trace, got \"" + logLevel + "\"");
    }
    List<SyncConfig> syncs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Section s : top.tables("sync", "[[sync]]")) {
      SyncConfig sync = sync(s, stateDir);
      if (!names.add(sync.name())) throw s.error("name", "name: another [[sync]] is already named \"" + sync.name() + "\" (names must be unique)");
      syncs.add(sync);
    }
    Section serveSection = top.table("serve", "[serve]");
    ServeConfig serve = serveSection == null ? null : serve(serveSection);
    MonitorConfig monitor = monitor(top);
    top.finish();
    if (syncs.isEmpty() && serve == null) {
      throw new ConfigException(file + ":1:1: nothing to do: expected at least one [[sync]] section (for run) or a [serve] section (for serve)");
    }
    return new Config(file, stateDir, logFile, logLevel, syncs, serve, monitor);
  }

  /** {@code [http]} (listen, token_file) and {@code [alert]} (exec, after, lag); their rules are the monitor's. */
  private static MonitorConfig monitor(Section top) {
    Section h = top.table("http", "[http]");
    Section a = top.table("alert", "[alert]");
    if (h == null && a == null) return MonitorConfig.NONE;
    var at = new java.util.HashMap<String, String>();
    String listen = null, exec = null;
    Path token = null;
    Duration after = null, lag = null;
    if (h != null) {
      listen = h.string("listen", null);
      if (listen == null) throw h.missing("listen", "the address for the status page and /metrics, e.g. \"127.0.0.1:9123\"");
      token = h.absolutePath("token_file", null);
      at.put("listen", h.position("listen"));
      at.put("token_file", h.position("token_file"));
      h.finish();
    }
    if (a != null) {
      exec = a.string("exec", null);
      if (exec == null) throw a.missing("exec", "the command to run for each alert (sh -c; the alert as JSON on stdin)");
      after = a.duration("after", null, Duration.ZERO);
      lag = a.duration("lag", null, Duration.ZERO);
      for (String k : List.of("exec", "after", "lag")) at.put(k, a.position(k));
      a.finish();
    }
    return new MonitorConfig(listen, token, exec, after, lag, java.util.Map.copyOf(at));
  }

  private SyncConfig sync(Section s, Path stateDir) {
    Path source = s.absolutePath("source", null);
    if (source == null) throw s.missing("source", "the absolute path of the directory to replicate");
    String name = s.string("name", null);
    if (name == null) {
      name = source.getFileName() == null ? "root" : source.getFileName().toString();
      if (!NAME.matcher(name).matches()) name = "sync" + s.path().replaceAll("\\D", "");
    } else if (!NAME.matcher(name).matches()) {
      throw s.error("name", "name: expected letters, digits, '.', '_' or '-' (it names the state directory), got \"" + name + "\"");
    }
    List<String> exclude = s.strings("exclude");
    for (String e : exclude) if (e.isEmpty()) throw s.error("exclude", "exclude: expected non-empty patterns");
    Duration delay = s.duration("delay", SyncConfig.DEFAULT_DELAY, Duration.ZERO);
    int workers = (int) s.integer("workers", SyncConfig.DEFAULT_WORKERS, 1, 64);
    int batchMaxFiles = (int) s.integer("batch_max_files", SyncConfig.DEFAULT_BATCH_MAX_FILES, 1, 1_000_000);
    long batchMaxBytes = s.size("batch_max_bytes", SyncConfig.DEFAULT_BATCH_MAX_BYTES);
    long largeFile = s.size("large_file_threshold", SyncConfig.DEFAULT_LARGE_FILE_THRESHOLD);
    Duration maxHold = s.duration("max_hold", SyncConfig.DEFAULT_MAX_HOLD, Duration.ZERO);
    DeletePolicy delete = deletePolicy(s);
    Duration schedule = s.duration("schedule", null, Duration.ofSeconds(1));
    RetryConfig retry = retry(s);
    String exec = s.string("exec", null);
    if (exec != null && exec.isBlank()) throw s.error("exec", "exec: expected a command, got an empty string");
    List<TargetConfig> targets = new ArrayList<>();
    for (Section t : s.tables("target", "[[sync.target]]")) targets.add(target(t, source));
    if (targets.isEmpty()) throw s.missing("target", "at least one [[sync.target]] with a url");
    s.finish();
    return new SyncConfig(name, source, exclude, delay, workers, batchMaxFiles, batchMaxBytes, largeFile, maxHold, delete, schedule,
        retry, exec, targets, stateDir.resolve(name));
  }

  private static DeletePolicy deletePolicy(Section s) {
    String d = s.string("delete", SyncConfig.DEFAULT_DELETE.toString());
    for (DeletePolicy p : DeletePolicy.values()) if (p.toString().equals(d)) return p;
    throw s.error("delete", "delete: expected \"always\", \"startup\", \"running\" or \"never\", got \"" + d + "\"");
  }

  private static RetryConfig retry(Section s) {
    Section r = s.table("retry", "[sync.retry]");
    if (r == null) return RetryConfig.DEFAULT;
    Duration initial = r.duration("initial", RetryConfig.DEFAULT.initial(), Duration.ofMillis(1));
    Duration max = r.duration("max", RetryConfig.DEFAULT.max().compareTo(initial) < 0 ? initial : RetryConfig.DEFAULT.max(), Duration.ofMillis(1));
    if (max.compareTo(initial) < 0) throw r.error("max", "max: expected at least initial (" + Durations.format(initial) + "), got " + Durations.format(max));
    r.finish();
    return new RetryConfig(initial, max);
  }

  private static TargetConfig target(Section t, Path source) {
    String url = t.requiredString("url", "where to replicate: rsync://[user@]host[:port]/module[/path], [user@]host::module, [user@]host:/path or a local directory");
    Target target;
    try {
      target = Target.parse(url);
    } catch (LivesyncException e) {
      throw t.error("url", "url: " + e.getMessage());
    }
    if (target instanceof Target.Local local) {
      byte[] dir = Bytes.of(local.dir().toString());
      byte[] src = Bytes.of(source.toString());
      if (Bytes.isUnder(dir, src) || Bytes.isUnder(src, dir)) {
        throw t.error("url", "url: the local directory " + local.dir() + " overlaps the source " + source + " (it would copy itself forever)");
      }
    }
    Path passwordFile = t.absolutePath("password_file", null);
    if (passwordFile != null && !(target instanceof Target.Daemon)) {
      throw t.error("password_file", "password_file: only rsync daemon targets (rsync://... or host::module) use a password");
    }
    Path sshKey = t.absolutePath("ssh_key", null);
    int sshPort = (int) t.integer("ssh_port", 0, 1, 65535);
    Path knownHosts = t.absolutePath("known_hosts", null);
    if (!(target instanceof Target.Ssh)) {
      for (String k : List.of("ssh_key", "ssh_port", "known_hosts")) {
        if (t.has(k)) throw t.error(k, k + ": only ssh targets ([user@]host:/path) use it");
      }
    }
    String bwlimit = bwlimit(t);
    boolean compress = t.bool("compress", false);
    boolean checksum = t.bool("checksum", false);
    List<String> extraArgs = t.strings("extra_args");
    try {
      PassThroughArgs.check(extraArgs);
    } catch (LivesyncException e) {
      throw t.error("extra_args", "extra_args: " + e.getMessage());
    }
    Duration timeout = t.duration("timeout", Duration.ofSeconds(dev.livesync.transport.TargetOptions.DEFAULT_TIMEOUT_SECONDS), Duration.ZERO);
    if (!timeout.isZero() && timeout.toSeconds() < 1) throw t.error("timeout", "timeout: expected \"0s\" (none) or at least 1s");
    t.finish();
    return new TargetConfig(url, target, passwordFile, sshKey, sshPort, knownHosts, bwlimit, compress, checksum, extraArgs,
        (int) Math.min(timeout.toSeconds(), Integer.MAX_VALUE));
  }

  private static String bwlimit(Section t) {
    JsonNode v = t.raw("bwlimit");
    if (v == null) return null;
    if (v.isIntegralNumber() && v.longValue() > 0) return Long.toString(v.longValue());
    if (v.isTextual() && BWLIMIT.matcher(v.textValue()).matches()) return v.textValue();
    throw t.error("bwlimit", "bwlimit: expected a rate as rsync takes it: KiB/s as a positive integer, or a string such as \"500K\", \"10M\", got "
        + Section.describe(v));
  }

  private static ServeConfig serve(Section s) {
    String address = s.string("address", null);
    int port = (int) s.integer("port", ServeConfig.DEFAULT_PORT, 1, 65535);
    Path logFile = s.absolutePath("log_file", null);
    List<ServeConfig.Module> modules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Section m : s.tables("module", "[[serve.module]]")) {
      ServeConfig.Module mod = module(m);
      if (!names.add(mod.name())) throw m.error("name", "name: another [[serve.module]] is already named \"" + mod.name() + "\"");
      modules.add(mod);
    }
    if (modules.isEmpty()) throw s.missing("module", "at least one [[serve.module]] with a name and a path");
    s.finish();
    return new ServeConfig(address, port, logFile, modules);
  }

  private static ServeConfig.Module module(Section m) {
    String name = m.requiredString("name", "the module name clients use: rsync://host/NAME");
    if (!NAME.matcher(name).matches()) throw m.error("name", "name: expected letters, digits, '.', '_' or '-', got \"" + name + "\"");
    Path path = m.absolutePath("path", null);
    if (path == null) throw m.missing("path", "the absolute directory this module writes to");
    String user = m.string("user", null);
    Path passwordFile = m.absolutePath("password_file", null);
    if (user != null && passwordFile == null) throw m.missing("password_file", "the file holding user " + user + "'s password (mode 0600)");
    if (user == null && passwordFile != null) throw m.error("password_file", "password_file: set user too (auth users)");
    if (user != null && (user.isBlank() || user.contains(":") || user.contains(",") || user.contains(" "))) {
      throw m.error("user", "user: expected a user name without spaces, ':' or ',', got \"" + user + "\"");
    }
    String comment = m.string("comment", null);
    boolean readOnly = m.bool("read_only", false);
    List<String> hostsAllow = m.strings("hosts_allow");
    int maxConnections = (int) m.integer("max_connections", 0, 0, 100_000);
    String uid = m.string("uid", "root");
    String gid = m.string("gid", "root");
    m.finish();
    return new ServeConfig.Module(name, path, user, passwordFile, comment, readOnly, hostsAllow, maxConnections, uid, gid);
  }
}
