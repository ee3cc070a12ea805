package dev.livesync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.config.ConfigException;
import dev.livesync.config.ConfigLoader;
import dev.livesync.settings.Key;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of a sync's settings through both front-ends: {@code run}'s flags and the config file
 * refuse the same value with the same words after their prefix ({@code --workers 1000:} and
 * {@code FILE:LINE:COL: sync[0].workers:}). Words naming another setting name it as that front-end
 * does ({@code %s}: {@code --retry-initial} or {@code retry.initial}).
 */
class OneValidationTest {
  @TempDir static Path tmp;
  static Path looseFile;
  static Path secretsForm;
  static Path blankFirst;
  static Path importantFile;
  static Path importantDir;

  /**
   * One rule: the flags as typed, the config line (in a [[sync]], or its [[sync.target]] when it
   * starts with "  ", or the top level when it starts with "^"), the value as the command line
   * shows it, the words, and the keys the words name.
   */
  record Row(Key key, List<String> flags, String config, String shown, String words, Key... refs) {
    @Override
    public String toString() {
      return key + " " + flags;
    }
  }

  @BeforeAll
  static void files() throws Exception {
    looseFile = tmp.resolve("loose.password");
    Files.writeString(looseFile, "secret\n");
    Files.setPosixFilePermissions(looseFile, PosixFilePermissions.fromString("rw-r--r--"));
    blankFirst = tmp.resolve("blank-first.password");
    Files.writeString(blankFirst, "\ns3cret\n");
    Files.setPosixFilePermissions(blankFirst, PosixFilePermissions.fromString("rw-------"));
    secretsForm = tmp.resolve("secrets-form.password");
    Files.writeString(secretsForm, "backup:s3cret\n");
    Files.setPosixFilePermissions(secretsForm, PosixFilePermissions.fromString("rw-------"));
    importantFile = Files.writeString(tmp.resolve("important.txt"), "keep me\n");
    importantDir = Files.createDirectories(tmp.resolve("impdir/inner"));
    Files.createDirectories(tmp.resolve("src"));
    Files.createSymbolicLink(tmp.resolve("srclink"), tmp.resolve("src"));
    Files.createDirectories(tmp.resolve("dst"));
    Files.createSymbolicLink(tmp.resolve("dstlink"), tmp.resolve("dst"));
  }

  /** A status socket's path one byte longer than a Unix socket's may be (107 bytes). */
  static String longSocket() {
    String base = tmp.resolve("s").toString();
    return base + "x".repeat(Math.max(1, 108 - base.length() - ".sock".length())) + ".sock";
  }

  static String durations(String range) {
    String examples = switch (range) {
      case "1s to 365d" -> "30s, 5m, 1h, 30d";
      case "1m to 3650d" -> "5m, 1h, 30d";
      default -> "200ms, 30s, 5m, 1h";
    };
    return "expected a duration from " + range + ", such as " + examples + " (units ms, s, m, h, d)";
  }

  static Stream<Row> rows() {
    String name = "expected letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64 characters (it names the state directory)";
    String size = "expected a size from 1 to 1TiB, such as 64MiB, 512K, 1G (K, M, G, T are powers of 1024; KB, MB, GB, TB powers of 1000;"
        + " a lower-case b, as in Mb, reads as bits and is refused)";
    String timeout = "expected 0s (none) or whole seconds from 1s to 1d, such as 30s, 2m";
    return Stream.of(
        new Row(Key.WORKERS, List.of("--workers", "1000"), "workers = 1000", "1000", "expected a whole number from 1 to 64"),
        new Row(Key.WORKERS, List.of("--workers", "100000"), "workers = 100000", "100000", "expected a whole number from 1 to 64"),
        new Row(Key.WORKERS, List.of("--workers", "0"), "workers = 0", "0", "expected a whole number from 1 to 64"),
        new Row(Key.BATCH_MAX_FILES, List.of("--batch-max-files", "0"), "batch_max_files = 0", "0", "expected a whole number from 1 to 1000000"),
        new Row(Key.BATCH_MAX_BYTES, List.of("--batch-max-bytes", "2TiB"), "batch_max_bytes = \"2TiB\"", "2TiB", size),
        new Row(Key.BATCH_MAX_BYTES, List.of("--batch-max-bytes", "lots"), "batch_max_bytes = \"lots\"", "lots", size),
        // "Mb" reads as megabits to many: refused, not taken as 64 MiB
        new Row(Key.BATCH_MAX_BYTES, List.of("--batch-max-bytes", "64Mb"), "batch_max_bytes = \"64Mb\"", "64Mb", size),
        new Row(Key.BATCH_MAX_BYTES, List.of("--batch-max-bytes", "64mib"), "batch_max_bytes = \"64mib\"", "64mib", size),
        new Row(Key.LARGE_FILE_THRESHOLD, List.of("--large-file-threshold", "16mb"), "large_file_threshold = \"16mb\"", "16mb", size),
        new Row(Key.LARGE_FILE_THRESHOLD, List.of("--large-file-threshold", "0"), "large_file_threshold = \"0\"", "0", size),
        new Row(Key.DELAY, List.of("--delay", "99999999999999d"), "delay = \"99999999999999d\"", "99999999999999d", durations("0ms to 1h")),
        new Row(Key.DELAY, List.of("--delay", "5x"), "delay = \"5x\"", "5x", durations("0ms to 1h")),
        new Row(Key.MAX_HOLD, List.of("--max-hold", "2h"), "max_hold = \"2h\"", "2h", durations("0ms to 1h")),
        new Row(Key.SCHEDULE, List.of("--schedule", "0s"), "schedule = \"0s\"", "0s", durations("1s to 365d")),
        new Row(Key.RETRY_INITIAL, List.of("--retry-initial", "0s"), "retry = { initial = \"0s\" }", "0s", durations("1ms to 1h")),
        new Row(Key.RETRY_MAX, List.of("--retry-initial", "10s", "--retry-max", "1s"), "retry = { initial = \"10s\", max = \"1s\" }", "1s",
            "expected at least %s (10s)", Key.RETRY_INITIAL),
        new Row(Key.WATCHER, List.of("--watcher", "dnotify"), "watcher = \"dnotify\"", "dnotify", "expected one of auto, inotify, fanotify"),
        new Row(Key.STARTUP, List.of("--startup", "sometimes"), "startup = \"sometimes\"", "sometimes", "expected one of changes, full"),
        new Row(Key.DELETE, List.of("--delete", "sometimes"), "delete = \"sometimes\"", "sometimes", "expected one of always, startup, running, never"),
        new Row(Key.NAME, List.of("--name", "../../x"), "name = \"../../x\"", "../../x", name),
        new Row(Key.NAME, List.of("--name", ""), "name = \"\"", "''", name),
        new Row(Key.NAME, List.of("--name", "a b"), "name = \"a b\"", "'a b'", name),
        new Row(Key.EXCLUDE, List.of("--exclude", ""), "exclude = [\"*.tmp\", \"\"]", "''",
            "expected a non-empty rsync exclude pattern such as *.tmp, cache/, /top-level-only"),
        new Row(Key.EXCLUDE, List.of("--exclude", "*"), "exclude = [\"*.tmp\", \"*\"]", "'*'",
            "excludes every path of the source, so nothing would be replicated (a pattern such as *.tmp, cache/ or /top-level-only excludes some)"),
        new Row(Key.EXCLUDE, List.of("--exclude", "/**"), "exclude = [\"*.tmp\", \"/**\"]", "'/**'",
            "excludes every path of the source, so nothing would be replicated (a pattern such as *.tmp, cache/ or /top-level-only excludes some)"),
        // patterns that exclude every path without being written as stars alone, found by the matcher: alone, or with those before
        new Row(Key.EXCLUDE, List.of("--exclude", "?*"), "exclude = [\"*.tmp\", \"?*\"]", "'?*'",
            "excludes every path of the source, so nothing would be replicated (a pattern such as *.tmp, cache/ or /top-level-only excludes some)"),
        new Row(Key.EXCLUDE, List.of("--exclude", "**/*"), "exclude = [\"*.tmp\", \"**/*\"]", "'**/*'",
            "excludes every path of the source, so nothing would be replicated (a pattern such as *.tmp, cache/ or /top-level-only excludes some)"),
        new Row(Key.EXCLUDE, List.of("--exclude", ".*", "--exclude", "[!.]*"), "exclude = [\".*\", \"[!.]*\"]", "'[!.]*'",
            "with the patterns before it, excludes every path of the source, so nothing would be replicated (a pattern such as *.tmp,"
                + " cache/ or /top-level-only excludes some)"),
        // written as rsync filter rules: rsync's --exclude reads the prefixes, livesync's matcher would not (full syncs and events would differ)
        new Row(Key.EXCLUDE, List.of("--exclude", "- cache/"), "exclude = [\"*.tmp\", \"- cache/\"]", "'- cache/'",
            "rsync reads '- ' as a rule prefix, not as part of a name: write the pattern alone (cache/)"),
        new Row(Key.EXCLUDE, List.of("--exclude", "+ keep.log"), "exclude = [\"*.tmp\", \"+ keep.log\"]", "'+ keep.log'",
            "rsync reads '+ ' as an include rule, which an exclude list cannot hold: every path no pattern excludes is replicated, so leave"
                + " it out and narrow the patterns that exclude it"),
        new Row(Key.EXCLUDE, List.of("--exclude", "!"), "exclude = [\"*.tmp\", \"!\"]", "'!'",
            "rsync reads '!' as 'forget the patterns before it': full syncs would send and delete what they exclude; leave it out"),
        // the absolute path of a directory in the source, as find or inotifywait take it: anchored at the source by rsync, it left out nothing
        new Row(Key.EXCLUDE, List.of("--exclude", "SRCDIR/cache/"), "exclude = [\"*.tmp\", \"SRCDIR/cache/\"]", "SRCDIR/cache/",
            "begins with the source's own path SRCDIR, but a pattern starting with / is anchored at the source (it would mean SRCDIRSRCDIR/cache/,"
                + " which is not there, and leave out nothing): write /cache/"),
        new Row(Key.MAX_DELETE, List.of("--max-delete", "150%"), "max_delete = \"150%\"", "150%",
            "expected a share of the target's files from 0%% to 100%% such as 50%%, a number of paths such as 1000, or off"),
        new Row(Key.MAX_DELETE, List.of("--max-delete", "lots"), "max_delete = \"lots\"", "lots",
            "expected a share of the target's files from 0%% to 100%% such as 50%%, a number of paths such as 1000, or off"),
        new Row(Key.VERSIONS, List.of("--versions", "0"), "  versions = \"0\"", "0", durations("1m to 3650d")),
        new Row(Key.VERSIONS, List.of("--versions", "abc"), "  versions = \"abc\"", "abc", durations("1m to 3650d")),
        new Row(Key.EXEC, List.of("--exec", " "), "exec = \" \"", "' '", "expected a command (run with sh -c)"),
        new Row(Key.TIMEOUT, List.of("--timeout", "-5"), "  timeout = \"-5\"", "-5", timeout),
        new Row(Key.TIMEOUT, List.of("--timeout", "1500ms"), "  timeout = \"1500ms\"", "1500ms", timeout),
        new Row(Key.TIMEOUT, List.of("--timeout", "30"), "  timeout = \"30\"", "30", timeout),
        new Row(Key.BWLIMIT, List.of("--bwlimit", "fast"), "  bwlimit = \"fast\"", "fast",
            "expected " + Key.BWLIMIT.expected()),
        new Row(Key.EXTRA_ARGS, List.of("--rsync-arg", "--delete-after"), "  extra_args = [\"--delete-after\"]", "--delete-after",
            "rsync option '--delete-after' is not allowed: deletion is the engine's job (the %s policy)", Key.DELETE),
        new Row(Key.EXTRA_ARGS, List.of("--rsync-arg", "-avn"), "  extra_args = [\"-avn\"]", "-avn",
            "rsync option '-avn' is not allowed: -n (--dry-run: nothing would be replicated)"),
        // the port of a host::module target (the tutorial's form has none): the URL rsync gets always names one, so it would be ignored
        new Row(Key.EXTRA_ARGS, List.of("--rsync-arg", "--port=8730"), "  extra_args = [\"--port=8730\"]", "--port=8730",
            "rsync option '--port=8730' is not allowed: a daemon's port goes in the target (rsync://[user@]host:PORT/module); for ssh, use %s",
            Key.SSH_PORT),
        new Row(Key.EXTRA_ARGS, List.of("--rsync-arg", "--password=s3cret"), "  extra_args = [\"--password=s3cret\"]", "'--password=***'",
            "rsync option '--password=***' is not allowed: a password on a command line is seen by every user of the host (ps); use %s or RSYNC_PASSWORD", Key.PASSWORD_FILE),
        // what rsync itself does not take: refused up front, not a failed run per batch ("a target refused us", exit 5)
        new Row(Key.EXTRA_ARGS, List.of("--rsync-arg", "--bogus-opt"), "  extra_args = [\"--bogus-opt\"]", "--bogus-opt",
            "rsync does not take it (--bogus-opt: unknown option)"),
        new Row(Key.EXTRA_ARGS, List.of("--rsync-arg", "--numeric-ids -H"), "  extra_args = [\"--numeric-ids -H\"]", "'--numeric-ids -H'",
            "rsync does not take it (--numeric-ids -H: unknown option): these are two options in one argument; give one option (with its"
                + " value) per %s", Key.EXTRA_ARGS),
        new Row(Key.EXTRA_ARGS, List.of("--rsync-arg", "--bwlimit=fast"), "  extra_args = [\"--bwlimit=fast\"]", "--bwlimit=fast",
            "rsync does not take it (--bwlimit=fast is invalid)"),
        new Row(Key.PASSWORD_FILE, List.of("--password-file", "LOOSE"), "  password_file = \"LOOSE\"", "LOOSE",
            "is accessible by its group or others (mode 0644): run 'chmod 600 LOOSE'"),
        // the daemon's secrets line ("backup:secret", the classic setup's /etc/rsync.password on the backup host) as the client's password file
        new Row(Key.PASSWORD_FILE, List.of("--password-file", "SECRETSFORM"), "  password_file = \"SECRETSFORM\"", "SECRETSFORM",
            "holds 'backup:...' on its first line, the line of an rsync daemon's secrets file (user:password): a password file holds the"
                + " password alone (what follows 'backup:'), which rsync sends as it is"),
        new Row(Key.PASSWORD_FILE, List.of("--password-file", "BLANKFIRST"), "  password_file = \"BLANKFIRST\"", "BLANKFIRST",
            "has an empty first line, and only the first line is read: put the password on it (and nothing before it)"),
        // the tutorial's '--password-file= /etc/rsync.password': an empty value, the file taken for a target
        new Row(Key.PASSWORD_FILE, List.of("--password-file="), "  password_file = \"\"", "''", "is empty: give a path (no space after '=')"),
        new Row(Key.SSH_PORT, List.of("--ssh-port", "70000"), "  ssh_port = 70000", "70000", "expected a whole number from 1 to 65535"),
        new Row(Key.SSH_KEY, List.of("--ssh-key", "/nonexistent/id"), "  ssh_key = \"/nonexistent/id\"", "/nonexistent/id",
            "does not exist"),
        new Row(Key.URL, List.of(), "URL rsync://backup-host", "rsync://backup-host",
            "missing module name after the host; expected " + Key.URL.expected()),
        // a password in the target: refused, and never shown (the row's config holds the URL as given, the shown value has ***)
        new Row(Key.URL, List.of(), "URL rsync://bkuser:s3cret@127.0.0.1:18710/bk", "'rsync://bkuser:***@127.0.0.1:18710/bk'", PASSWORD_IN_URL,
            Key.PASSWORD_FILE),
        new Row(Key.URL, List.of(), "URL bkuser:s3cret@127.0.0.1::bk", "'bkuser:***@127.0.0.1::bk'", PASSWORD_IN_URL, Key.PASSWORD_FILE),
        new Row(Key.SOURCE, List.of(), "SOURCE", "/nonexistent/source", "does not exist"),
        new Row(Key.SOURCE, List.of(), "SOURCE", "SRCLINK", SYMLINKED_SOURCE),
        new Row(Key.LOG_LEVEL, List.of("--log-level", "loud"), "^log_level = \"loud\"", "loud", "expected one of error, warn, info, debug, trace"),
        new Row(Key.STOP_TIMEOUT, List.of("--stop-timeout", "2h"), "^stop_timeout = \"2h\"", "2h", durations("0ms to 1h")),
        new Row(Key.MAX_TRANSFERS, List.of("--max-transfers", "0"), "^max_transfers = 0", "0", "expected a whole number from 1 to 1024"),
        new Row(Key.MAX_TRANSFERS, List.of("--max-transfers", "5000"), "^max_transfers = 5000", "5000", "expected a whole number from 1 to 1024"),
        // what livesync writes while it runs may not be inside a source (as written, or through a symlink): it would be replicated
        new Row(Key.STATE_DIR, List.of("--state-dir", "SRCDIR/state"), "^state_dir = \"SRCDIR/state\"", "SRCDIR/state", STATE_IN_SOURCE),
        new Row(Key.STATE_DIR, List.of("--state-dir", "SRCLINK"), "^state_dir = \"SRCLINK\"", "SRCLINK", STATE_IN_SOURCE),
        new Row(Key.LOG_FILE, List.of("--log-file", "SRCDIR/livesync.log"), "^log_file = \"SRCDIR/livesync.log\"", "SRCDIR/livesync.log",
            LOG_IN_SOURCE),
        new Row(Key.LOG_FILE, List.of("--log-file", "SRCLINK/sub/livesync.log"), "^log_file = \"SRCLINK/sub/livesync.log\"",
            "SRCLINK/sub/livesync.log", LOG_IN_SOURCE),
        // nor inside a target of this host: its full syncs would delete them (a target through a symlink too)
        new Row(Key.STATE_DIR, List.of("--state-dir", "DSTDIR/state"), "^state_dir = \"DSTDIR/state\"", "DSTDIR/state", STATE_IN_TARGET),
        new Row(Key.STATE_DIR, List.of("--state-dir", "DSTLINK/state"), "^state_dir = \"DSTLINK/state\"", "DSTLINK/state", STATE_IN_TARGET),
        new Row(Key.LOG_FILE, List.of("--log-file", "DSTDIR/livesync.log"), "^log_file = \"DSTDIR/livesync.log\"", "DSTDIR/livesync.log",
            LOG_IN_TARGET),
        new Row(Key.LOG_FILE, List.of("--log-file", "DSTLINK/sub/livesync.log"), "^log_file = \"DSTLINK/sub/livesync.log\"",
            "DSTLINK/sub/livesync.log", LOG_IN_TARGET),
        // a status socket's path is the socket's alone: what else is there is never replaced (nor deleted at stop)
        new Row(Key.STATUS_SOCKET, List.of("--status-socket", "IMPORTANT"), "^status_socket = \"IMPORTANT\"", "IMPORTANT",
            "is a regular file, not a socket: livesync only replaces a socket that a stopped livesync left; give a path where nothing is yet"),
        new Row(Key.STATUS_SOCKET, List.of("--status-socket", "IMPDIR"), "^status_socket = \"IMPDIR\"", "IMPDIR",
            "is a directory, not a socket: livesync only replaces a socket that a stopped livesync left; give a path where nothing is yet"),
        new Row(Key.STATUS_SOCKET, List.of("--status-socket", "LONGSOCKET"), "^status_socket = \"LONGSOCKET\"", "LONGSOCKET",
            "is 108 bytes long; a Unix socket's path may be at most 107: choose a shorter one"));
  }

  static final String STATE_IN_SOURCE = "is inside the source SRCDIR: the sync's journal and lock would be replicated with it, each of their"
      + " writes a change to send, and every stop would look unclean; choose a state dir outside every source";
  static final String LOG_IN_SOURCE = "is inside the source SRCDIR: each line logged would be a change to replicate, whose batch logs a line,"
      + " without end; choose a log file outside every source";

  static final String STATE_IN_TARGET = "is inside the target DSTDIR: the sync's full syncs would delete its journal, lock and held deletions"
      + " there, and a second run of the sync could then start beside it; choose a state dir outside every target";
  static final String LOG_IN_TARGET = "is inside the target DSTDIR: the sync's full syncs would delete it, and livesync would log on into a"
      + " deleted file; choose a log file outside every target";

  static final String SYMLINKED_SOURCE = "is a symlink (to SRCDIR): give the real path (livesync watches the directory itself, and a"
      + " symlink changed later would change what is replicated)";

  static final String PASSWORD_IN_URL = "holds a password (user:password@host): livesync never puts a password in a target, on a command line or"
      + " in a log; write the user alone (user@host) and the password in a file given with %s (mode 0600), or in RSYNC_PASSWORD";

  /** Keys no row needs: paths (relative ones are from the current directory on the command line), switches, internals. */
  static final Set<Key> NOT_IN_BOTH = EnumSet.of(Key.KNOWN_HOSTS, Key.COMPRESS,
      Key.CHECKSUM, Key.MAX_QUEUED_PATHS, Key.SNAPSHOTS);

  @Test
  void everySettingOfBothFrontEndsHasARow() {
    Set<Key> covered = EnumSet.noneOf(Key.class);
    rows().forEach(r -> covered.add(r.key()));
    assertThat(EnumSet.complementOf(EnumSet.copyOf(NOT_IN_BOTH))).isSubsetOf(covered);
  }

  private static String fill(String s) {
    return s.replace("LOOSE", looseFile.toString()).replace("SECRETSFORM", secretsForm.toString()).replace("BLANKFIRST", blankFirst.toString()).replace("IMPORTANT", importantFile.toString()).replace("IMPDIR", importantDir.getParent().toString())
        .replace("LONGSOCKET", longSocket()).replace("SRCDIR", tmp.resolve("src").toString()).replace("SRCLINK", tmp.resolve("srclink").toString())
        .replace("DSTDIR", tmp.resolve("dst").toString()).replace("DSTLINK", tmp.resolve("dstlink").toString());
  }

  @ParameterizedTest
  @MethodSource("rows")
  void theCommandLineAndTheConfigFileRefuseAValueWithTheSameWords(Row row) throws Exception {
    String cliWords = String.format(fill(row.words()), Stream.of(row.refs()).map(Key::cliName).toArray());
    String configWords = String.format(fill(row.words()), Stream.of(row.refs()).map(Key::configName).toArray());
    // the command line: a source that exists unless the row is about it, so that no other problem comes first
    Path src = Files.createDirectories(tmp.resolve("src"));
    String source = row.key() == Key.SOURCE ? fill(row.shown()) : src.toString();
    boolean ssh = row.key().scope() == Key.Scope.TARGET && row.key().name().startsWith("SSH");
    boolean daemon = row.key() == Key.PASSWORD_FILE;
    String given = row.key() == Key.URL ? row.config().substring("URL ".length()) : null; // a URL row: the target as typed
    String target = row.key() == Key.URL ? given : ssh ? "backup@127.0.0.1:/srv/copy" : daemon ? "rsync://backup@127.0.0.1/mod"
        : tmp.resolve("dst").toString();
    List<String> args = new ArrayList<>(List.of("run", "--check", source, target));
    // the process's files where they harm nothing, unless the row is about one of them
    if (row.key() != Key.STATE_DIR) args.addAll(List.of("--state-dir", tmp.resolve("state").toString()));
    if (row.key() != Key.STATUS_SOCKET) args.addAll(List.of("--status-socket", tmp.resolve("status.sock").toString()));
    row.flags().forEach(f -> args.add(fill(f)));
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(new StringWriter()));
    int code = cl.execute(args.toArray(String[]::new));
    String flag = row.key().cliName();
    assertThat(err.toString().lines().findFirst().orElse(""))
        .isEqualTo("livesync run: " + flag + " " + fill(row.shown()) + ": " + cliWords);
    assertThat(code).isEqualTo(2);

    // the config file
    String config = fill(row.config());
    String top = config.startsWith("^") ? config.substring(1) + "\n" : "";
    String syncLine = config.startsWith("^") || config.startsWith("  ") || config.startsWith("URL") || config.equals("SOURCE") ? "" : config + "\n";
    String targetLine = config.startsWith("  ") ? config + "\n" : "";
    String url = row.key() == Key.URL ? given : target;
    String text = top + "[[sync]]\nsource = \"" + (row.key() == Key.SOURCE ? fill(row.shown()) : src.toString()) + "\"\n" + syncLine
        + "  [[sync.target]]\n  url = \"" + url + "\"\n" + targetLine;
    Path file = Files.writeString(tmp.resolve("livesync.toml"), text);
    String path = switch (row.key().scope()) {
      case RUN -> "";
      case SYNC -> "sync[0].";
      case TARGET -> "sync[0].target[0].";
      case SERVE -> "serve.";
    };
    String key = row.key().configName() + (row.key() == Key.EXCLUDE ? "[1]" : row.key() == Key.EXTRA_ARGS ? "[0]" : "");
    // values the loader accepts but the file system refuses are found when run starts: run reports them located the same way
    StringWriter cfgErr = new StringWriter();
    var cl2 = Main.commandLine();
    cl2.setErr(new PrintWriter(cfgErr));
    cl2.setOut(new PrintWriter(new StringWriter()));
    List<String> cfgArgs = new ArrayList<>(List.of("run", "--check", "--config", file.toString()));
    if (row.key() != Key.STATE_DIR) cfgArgs.addAll(List.of("--state-dir", tmp.resolve("state").toString()));
    if (row.key() != Key.STATUS_SOCKET) cfgArgs.addAll(List.of("--status-socket", tmp.resolve("status.sock").toString()));
    int cfgCode = cl2.execute(cfgArgs.toArray(String[]::new));
    assertThat(cfgErr.toString().lines().findFirst().orElse(""))
        .matches("livesync run: " + java.util.regex.Pattern.quote(file.toString()) + ":\\d+:\\d+: "
            + java.util.regex.Pattern.quote(path + key + ": " + configWords));
    assertThat(cfgCode).isEqualTo(ConfigException.EXIT_CODE);
    assertThat(err.toString() + cfgErr).doesNotContain("s3cret");
    assertThat(importantFile).hasContent("keep me\n");
    try (var inSource = Files.list(src)) {
      assertThat(inSource.toList()).as("nothing written into the source").isEmpty();
    }
    assertThat(importantDir).isDirectory();
  }

  @Test
  void startDoctorAndVerifyRefuseWhatRunRefusesInTheSameWords() {
    String words = ": --workers 1000: expected a whole number from 1 to 64";
    for (String cmd : List.of("start", "doctor", "verify")) {
      StringWriter err = new StringWriter();
      var cl = Main.commandLine();
      cl.setErr(new PrintWriter(err));
      cl.setOut(new PrintWriter(new StringWriter()));
      int code = cl.execute(cmd, tmp.toString(), tmp.resolve("dst").toString(), "--workers", "1000", "--state-dir", tmp.resolve("state").toString());
      assertThat(code).as(cmd).isEqualTo(2);
      // start checks its arguments as run does, in run's words, under the name the user typed
      assertThat(err.toString()).as(cmd).startsWith("livesync " + cmd + words + "\n").doesNotContain("livesync run:");
    }
  }

  /** A source that is a symlink to a directory: run, doctor and verify give the one answer (run's check is the one above). */
  @Test
  void aSymlinkedSourceIsRefusedByDoctorAndVerifyAsByRun() {
    String link = tmp.resolve("srclink").toString();
    String words = fill(SYMLINKED_SOURCE);
    for (String cmd : List.of("doctor", "verify")) {
      StringWriter out = new StringWriter(), err = new StringWriter();
      var cl = Main.commandLine();
      cl.setErr(new PrintWriter(err));
      cl.setOut(new PrintWriter(out));
      int code = cl.execute(cmd, link, tmp.resolve("dst").toString(), "--state-dir", tmp.resolve("state").toString());
      if (cmd.equals("doctor")) {
        assertThat(out.toString()).as(err.toString()).contains("FAIL  source " + link + ": " + words + "\n");
        assertThat(code).isEqualTo(1);
      } else {
        assertThat(err.toString()).startsWith("livesync verify: source " + link + ": " + words + "\n");
        assertThat(code).isEqualTo(2);
      }
    }
  }

  /** doctor FAILs a target whose extra rsync arguments rsync does not take, in run's words, and probes it no further. */
  @Test
  void doctorFailsATargetWithAnArgumentRsyncDoesNotTake() {
    StringWriter out = new StringWriter(), err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    cl.setOut(new PrintWriter(out));
    String dst = tmp.resolve("dst").toString();
    int code = cl.execute("doctor", tmp.resolve("src").toString(), dst, "--rsync-arg", "--numeric-ids", "--rsync-arg", "--bogus-opt",
        "--state-dir", tmp.resolve("state").toString());
    assertThat(out.toString()).as(err.toString()).contains("FAIL  target " + dst + ": --rsync-arg --bogus-opt: rsync does not take it"
        + " (--bogus-opt: unknown option)\n");
    assertThat(code).isEqualTo(1);
  }

  /** A config's file the loader accepts but the file system refuses: verify locates it in the file as run does (78), not as a flag (2). */
  @Test
  void verifyRefusesAConfigsMissingPasswordFileInRunsWords() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("verify-src"));
    Path missing = tmp.resolve("no-such.password");
    Path file = Files.writeString(tmp.resolve("verify.toml"), "[[sync]]\nsource = \"" + src + "\"\n  [[sync.target]]\n"
        + "  url = \"rsync://u@127.0.0.1:1/m\"\n  password_file = \"" + missing + "\"\n");
    String line = null;
    for (String cmd : List.of("run", "verify")) {
      StringWriter err = new StringWriter();
      var cl = Main.commandLine();
      cl.setErr(new PrintWriter(err));
      cl.setOut(new PrintWriter(new StringWriter()));
      List<String> args = new ArrayList<>(List.of(cmd, "--config", file.toString(), "--state-dir", tmp.resolve("state").toString()));
      if (cmd.equals("run")) args.addAll(1, List.of("--check", "--status-socket", tmp.resolve("status.sock").toString()));
      int code = cl.execute(args.toArray(String[]::new));
      assertThat(code).as(cmd + ": " + err).isEqualTo(ConfigException.EXIT_CODE);
      String said = err.toString().lines().findFirst().orElse("").replaceFirst("^livesync " + cmd + ": ", "");
      assertThat(said).as(cmd).isEqualTo(file + ":5:3: sync[0].target[0].password_file: does not exist");
      assertThat(err.toString()).as(cmd).doesNotContain("--password-file", "--help");
    }
  }

  @Test
  void docsConfigMdListsEveryKeyWithItsFlagAndDefault() throws Exception {
    String doc = Files.readString(Path.of(System.getProperty("livesync.home", "."), "docs/config.md"));
    for (Key k : Key.values()) {
      if (k.configName() == null) continue;
      String leaf = k.configName().startsWith("retry.") ? "retry" : k.configName();
      String row = doc.lines().filter(l -> l.startsWith("| `" + leaf + "` (")).findFirst().orElse("");
      assertThat(row).as("docs/config.md row of %s", k).isNotEmpty();
      if (k.cliName() != null && k.cliName().startsWith("--")) assertThat(row).as("%s's flag", k).contains("`" + k.cliName() + "`");
      if (k.defaultText() != null) assertThat(row).as("%s's default", k).contains(k.defaultText());
    }
  }

  @Test
  void aValueThatDoesNotParseIsRefusedInTheSettingsWords() {
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("run", "--check", "/nonexistent/src", "/tmp/dst", "--workers", "abc")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("livesync run: --workers abc: expected a whole number from 1 to 64\nSee 'livesync run --help'.\n");
    assertThatThrownBy(() -> ConfigLoader.parse("[[sync]]\nsource = \"/data\"\nworkers = \"abc\"\n  [[sync.target]]\n  url = \"/mnt\"\n", Path.of("f.toml")))
        .hasMessage("f.toml:3:1: sync[0].workers: expected a whole number, got the string \"abc\"");
  }
}
