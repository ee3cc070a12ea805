package dev.livesync.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.livesync.fs.Bytes;
import dev.livesync.server.ServeModule;
import dev.livesync.server.ServeSpec;
import dev.livesync.settings.Dirs;
import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
import dev.livesync.sync.DeletePolicy;
import dev.livesync.sync.EngineSettings;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TargetSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads livesync.toml into {@link Config}. Every problem is a {@link ConfigException} whose message
 * starts with {@code file:line:column:} and says what was expected: TOML syntax, unknown keys (with
 * a did-you-mean), wrong types and missing required keys are found here; every value is then
 * checked by the engine's own settings types ({@link EngineSettings}, {@link TargetOptions},
 * {@link TargetSpec}) through its {@link Key} — the same rules, in the same words, as run's flags.
 */
public final class ConfigLoader {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private final Section.Source src;
  private final ObjectNode root;

  private ConfigLoader(Section.Source src, ObjectNode root) {
    this.src = src;
    this.root = root;
  }

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

  /**
   * Of a file that does not load ({@link #load} threw): its {@code status_socket} and {@code state_dir}
   * as far as they can be read (each null when missing, wrong, or the file is not TOML at all). For
   * {@code status} and {@code stop}, which need only where the running livesync is.
   */
  public static Config.Where where(Path file) {
    try {
      JsonNode tree = new TomlMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
      return new Config.Where(lenientPath(tree, Key.STATUS_SOCKET), lenientPath(tree, Key.STATE_DIR));
    } catch (IOException | RuntimeException e) {
      return new Config.Where(null, null);
    }
  }

  private static Path lenientPath(JsonNode tree, Key key) {
    JsonNode v = tree.path(key.configName());
    if (!v.isTextual()) return null;
    try {
      return key.absolutePath(Path.of(v.asText()));
    } catch (RuntimeException e) { // a SettingException too
      return null;
    }
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
      // Jackson names neither the key nor its line (it points past the value): the scanner finds both
      var dup = String.valueOf(e.getOriginalMessage()).startsWith("Duplicate key") ? new TomlPositions(text).duplicate() : null;
      if (dup != null) {
        throw new ConfigException(name + ":" + dup.again().line() + ":" + dup.again().column() + ": " + dup.path() + ": set twice (first on line "
            + dup.first().line() + "); a key may appear once in its table", e);
      }
      throw new ConfigException(at + ": invalid TOML: " + e.getOriginalMessage(), e);
    }
    if (!(tree instanceof ObjectNode root)) throw new ConfigException(name + ":1:1: expected a TOML document");
    var loader = new ConfigLoader(new Section.Source(name, new TomlPositions(text)), root);
    return loader.config(new Section(root, "", "the top level", loader.src), file);
  }

  private Config config(Section top, Path file) {
    Path stateDir;
    Path logFile;
    Path statusSocket;
    String logLevel;
    Duration stopTimeout;
    Integer maxTransfers;
    try {
      stateDir = path(top, Key.STATE_DIR, Dirs.state().toAbsolutePath());
      logFile = path(top, Key.LOG_FILE, null);
      logLevel = Key.LOG_LEVEL.choice(top.string(Key.LOG_LEVEL.configName(), Key.LOG_LEVEL.defaultText()));
      statusSocket = path(top, Key.STATUS_SOCKET, null);
      String stop = top.durationText(Key.STOP_TIMEOUT.configName());
      stopTimeout = Key.STOP_TIMEOUT.duration(stop != null ? stop : Key.STOP_TIMEOUT.defaultText());
      Long transfers = top.integer(Key.MAX_TRANSFERS.configName());
      maxTransfers = transfers == null ? null : (int) Key.MAX_TRANSFERS.whole(transfers);
    } catch (SettingException e) {
      throw locate(e);
    }
    // the tables are known keys too: an unknown top-level one ([[target]] for [[sync.target]]) is said
    // as such first, not as what it left missing in the [[sync]] above it
    for (String table : List.of("sync", "serve", "http", "alert")) top.has(table);
    top.finish();
    List<EngineSettings> syncs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<Section> sections = top.tables("sync", "[[sync]]");
    for (int i = 0; i < sections.size(); i++) {
      Section s = sections.get(i);
      EngineSettings sync = sync(s, i, stateDir);
      if (!names.add(sync.name())) throw s.error("name", "name: another [[sync]] is already named \"" + sync.name() + "\" (names must be unique)");
      syncs.add(sync);
    }
    Section serveSection = top.table("serve", "[serve]");
    ServeSpec serve = serveSection == null ? null : serve(serveSection);
    MonitorConfig monitor = monitor(top);
    top.finish();
    if (syncs.isEmpty() && serve == null) {
      throw new ConfigException(file + ":1:1: nothing to do: expected at least one [[sync]] section (for run) or a [serve] section (for serve)");
    }
    return new Config(file, stateDir, logFile, logLevel, statusSocket, stopTimeout, maxTransfers, syncs, serve, monitor, this::locate);
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
      // a bare port may be written as a TOML integer (listen = 9123), as --http 9123 takes it: the
      // port's range is the monitor's rule, for the flag and the key alike
      var port = h.raw("listen");
      listen = port != null && port.isIntegralNumber() ? port.asText() : h.string("listen", null);
      if (listen == null) throw h.missing("listen", "the address for the status page and /metrics, e.g. \"127.0.0.1:9123\"");
      token = h.absolutePath("token_file", null);
      at.put("listen", h.position("listen"));
      at.put("token_file", h.position("token_file"));
      h.finish();
    }
    if (a != null) {
      exec = a.string("exec", null);
      if (exec == null) throw a.missing("exec", "the command to run for each alert (sh -c; the alert as JSON on stdin)");
      after = duration(a, "after", MonitorConfig.ALERT_AFTER);
      lag = duration(a, "lag", MonitorConfig.ALERT_LAG);
      for (String k : List.of("exec", "after", "lag")) at.put(k, a.position(k));
      a.finish();
    }
    return new MonitorConfig(listen, token, exec, after, lag, java.util.Map.copyOf(at));
  }

  /** A duration key of a table whose rules are not the engine's (the monitor checks the range; words name it); null when absent. */
  private static Duration duration(Section s, String key, dev.livesync.settings.Rule.Span rule) {
    String text = s.durationText(key);
    if (text == null) return null;
    Duration d = dev.livesync.settings.Durations.parse(text);
    if (d == null) throw s.error(key, key + ": expected " + rule.expected());
    return d;
  }

  private EngineSettings sync(Section s, int index, Path stateRoot) {
    String sourceText = s.string("source", null);
    if (sourceText == null) throw s.missing("source", "the absolute path of the directory to replicate");
    try {
      Path source = Key.SOURCE.absolutePath(Path.of(sourceText));
      String name = s.string("name", null);
      if (name == null) name = EngineSettings.defaultName(Bytes.of(source.toString()));
      var b = EngineSettings.builder(name, Bytes.of(source.toString())).stateDir(EngineSettings.stateDirOf(stateRoot, name))
          .naming(Key.Naming.CONFIG);
      b.excludes(s.strings(Key.EXCLUDE.configName()));
      String delay = s.durationText(Key.DELAY.configName());
      if (delay != null) b.delay(Key.DELAY.duration(delay));
      String maxHold = s.durationText(Key.MAX_HOLD.configName());
      if (maxHold != null) b.maxHold(Key.MAX_HOLD.duration(maxHold));
      Long workers = s.integer(Key.WORKERS.configName());
      if (workers != null) b.workers((int) Key.WORKERS.whole(workers));
      Long files = s.integer(Key.BATCH_MAX_FILES.configName());
      if (files != null) b.batchMaxFiles((int) Key.BATCH_MAX_FILES.whole(files));
      Long bytes = size(s, Key.BATCH_MAX_BYTES);
      if (bytes != null) b.batchMaxBytes(bytes);
      Long large = size(s, Key.LARGE_FILE_THRESHOLD);
      if (large != null) b.largeFileThreshold(large);
      String delete = s.string(Key.DELETE.configName(), null);
      if (delete != null) b.delete(DeletePolicy.parse(delete));
      b.watcher(s.string(Key.WATCHER.configName(), null));
      b.startup(s.string(Key.STARTUP.configName(), null));
      String schedule = s.durationText(Key.SCHEDULE.configName());
      if (schedule != null) b.schedule(Key.SCHEDULE.duration(schedule));
      retry(s, b);
      JsonNode maxDelete = s.raw(Key.MAX_DELETE.configName());
      if (maxDelete != null) {
        if (maxDelete.isIntegralNumber()) b.maxDelete(Key.MAX_DELETE.maxDelete(Long.toString(maxDelete.longValue())));
        else if (maxDelete.isTextual()) b.maxDelete(Key.MAX_DELETE.maxDelete(maxDelete.textValue()));
        else throw s.wrong(Key.MAX_DELETE.configName(), Key.MAX_DELETE.expected(), maxDelete);
      }
      String exec = s.string(Key.EXEC.configName(), null);
      if (exec != null) b.exec(Key.EXEC.text(exec));
      List<Section> targets = s.tables("target", "[[sync.target]]");
      for (int j = 0; j < targets.size(); j++) b.target(target(targets.get(j), index, j));
      s.finish(); // first: a misspelt [[sync.targets]] is said as such, not as a missing target
      if (targets.isEmpty()) throw s.missing("target", "at least one [[sync.target]] with a url");
      return b.build();
    } catch (SettingException e) {
      throw locate(e.sync() >= 0 ? e : e.at(index, -1));
    }
  }

  /** {@code retry = { initial = "1s", max = "60s" }} or {@code [sync.retry]}: the two retry keys. */
  private static void retry(Section s, EngineSettings.Builder b) {
    Section r = s.table("retry", "[sync.retry]");
    if (r == null) return;
    String initial = r.durationText("initial");
    String max = r.durationText("max");
    r.finish();
    if (initial != null) b.retryInitial(Key.RETRY_INITIAL.duration(initial));
    if (max != null) b.retryMax(Key.RETRY_MAX.duration(max));
  }

  private TargetSpec target(Section t, int sync, int index) {
    String url = t.requiredString("url", "where to replicate: " + Key.URL.expected());
    try {
      Target target = Target.parse(url);
      if (target instanceof Target.Local && !url.startsWith("/")) {
        // run's TARGET may be relative (to the shell's directory); the file's is read from wherever livesync starts
        throw Key.URL.refuse(url, "expected a local directory as an absolute path (starting with /): the config file's paths are not"
            + " taken from the current directory (under systemd that is /), and ~ is not expanded");
      }
      var o = TargetOptions.builder();
      o.passwordFile(path(t, Key.PASSWORD_FILE, null));
      Long port = t.integer(Key.SSH_PORT.configName());
      o.ssh(path(t, Key.SSH_KEY, null), port == null ? 0 : (int) Key.SSH_PORT.whole(port), path(t, Key.KNOWN_HOSTS, null));
      o.bwlimit(bwlimit(t));
      o.compress(t.bool(Key.COMPRESS.configName(), false));
      o.checksum(t.bool(Key.CHECKSUM.configName(), false));
      o.extraArgs(t.strings(Key.EXTRA_ARGS.configName()));
      String timeout = t.durationText(Key.TIMEOUT.configName());
      if (timeout != null) o.timeout(Key.TIMEOUT.duration(timeout));
      String versions = t.durationText(Key.VERSIONS.configName());
      if (versions != null) o.versions(Key.VERSIONS.duration(versions));
      t.finish();
      return new TargetSpec(target, o.build());
    } catch (SettingException e) {
      throw locate(e.at(sync, index));
    }
  }

  private static Path path(Section s, Key key, Path def) {
    String v = s.string(key.configName(), null);
    return v == null ? def : key.absolutePath(Path.of(v));
  }

  private static Long size(Section s, Key key) {
    JsonNode v = s.raw(key.configName());
    if (v == null) return null;
    if (v.isIntegralNumber()) return key.size(v.longValue());
    if (v.isTextual()) return key.size(v.textValue());
    throw s.wrong(key.configName(), key.expected(), v);
  }

  private static String bwlimit(Section t) {
    JsonNode v = t.raw(Key.BWLIMIT.configName());
    if (v == null) return null;
    if (v.isIntegralNumber()) return Key.BWLIMIT.text(Long.toString(v.longValue()));
    if (v.isTextual()) return Key.BWLIMIT.text(v.textValue());
    throw t.wrong(Key.BWLIMIT.configName(), Key.BWLIMIT.expected(), v);
  }

  /**
   * {@code e} located in the file: the table of its sync and target (or the top level), the key
   * within it, and for a list the element that was refused ({@code exclude[2]}).
   */
  private ConfigException locate(SettingException e) {
    Key k = e.key();
    String table = switch (k.scope()) {
      case RUN -> "";
      case SERVE -> "serve";
      case SYNC -> e.sync() < 0 ? "" : "sync[" + e.sync() + "]";
      case TARGET -> e.sync() < 0 ? "" : e.target() < 0 ? "sync[" + e.sync() + "]" : "sync[" + e.sync() + "].target[" + e.target() + "]";
    };
    String key = k.configName() + element(table, k.configName(), e.value());
    String path = table.isEmpty() ? key : table + "." + key;
    var pos = src.positions().find(path);
    return new ConfigException(src.file() + ":" + pos.line() + ":" + pos.column() + ": " + path + ": " + e.words(Key::configName), e);
  }

  /** {@code [i]} when the key holds a list and {@code value} is its i-th element, else empty. */
  private String element(String table, String key, String value) {
    JsonNode n = root;
    for (String part : (table.isEmpty() ? key : table + "." + key).split("\\.")) {
      if (n == null) return "";
      int br = part.indexOf('[');
      n = br < 0 ? n.get(part) : n.path(part.substring(0, br)).get(Integer.parseInt(part.substring(br + 1, part.length() - 1)));
    }
    if (n == null || !n.isArray() || value == null) return "";
    int hidden = value.indexOf(dev.livesync.settings.SettingException.HIDDEN); // a value shown in part: the element it begins
    for (int i = 0; i < n.size(); i++) {
      String el = n.get(i).asText();
      if (hidden < 0 ? value.equals(el) : el.startsWith(value.substring(0, hidden))) return "[" + i + "]";
    }
    return "";
  }

  /** The [serve] section; the runtime directory is serve's to choose (null here). */
  private static ServeSpec serve(Section s) {
    String address = s.string("address", null);
    int port = (int) s.integer("port", ServeSpec.DEFAULT_PORT, 1, 65535);
    Path logFile = s.absolutePath("log_file", null);
    List<ServeModule> modules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Section m : s.tables("module", "[[serve.module]]")) {
      ServeModule mod = module(m);
      if (!names.add(mod.name())) throw m.error("name", "name: another [[serve.module]] is already named \"" + mod.name() + "\"");
      modules.add(mod);
    }
    if (modules.isEmpty()) throw s.missing("module", "at least one [[serve.module]] with a name and a path");
    java.time.Duration versions = null;
    dev.livesync.settings.SnapshotRetention snapshots = null;
    String v = s.durationText(Key.VERSIONS.configName());
    String snap = s.string(Key.SNAPSHOTS.configName(), null);
    try {
      if (v != null) versions = Key.VERSIONS.duration(v);
    } catch (SettingException e) {
      throw s.error(Key.VERSIONS.configName(), Key.VERSIONS.configName() + ": " + e.words(Key::configName));
    }
    try {
      if (snap != null) snapshots = Key.SNAPSHOTS.snapshots(snap);
    } catch (SettingException e) {
      throw s.error(Key.SNAPSHOTS.configName(), Key.SNAPSHOTS.configName() + ": " + e.words(Key::configName));
    }
    s.finish();
    return new ServeSpec(address, port, logFile, null, modules, versions, snapshots);
  }

  private static ServeModule module(Section m) {
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
    String uid = m.string("uid", null); // null: the path's owner, as serve --module without --uid (RsyncdConf)
    String gid = m.string("gid", null);
    m.finish();
    return new ServeModule(name, path, user, passwordFile, comment, readOnly, hostsAllow, maxConnections, uid, gid);
  }
}
