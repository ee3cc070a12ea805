package dev.livesync.transport;

import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a source is replicated to, parsed from the forms rsync users know:
 * <ul>
 *   <li>{@code rsync://[user@]host[:port]/module[/path]} and {@code [user@]host::module[/path]}: an rsync daemon;
 *   <li>{@code [user@]host:path}: rsync over ssh (a relative path, or {@code ~/path}, is relative to the login's home);
 *   <li>anything else without a colon before its first slash: a local directory.
 * </ul>
 */
public sealed interface Target {
  /** The target as shown to operators (no password, ever). */
  String describe();

  /** The destination argument for rsync, ending in '/'. */
  String rsyncDestination();

  /** Who logs in (named in the message of a failed login): the user@ given, else null; a local directory has none. */
  String user();

  record Daemon(String user, String host, int port, String module, String path) implements Target {
    public static final int DEFAULT_PORT = 873;

    @Override
    public String describe() {
      return "rsync://" + (user == null ? "" : user + "@") + hostForUrl(host) + (port == DEFAULT_PORT ? "" : ":" + port)
          + "/" + module + (path.isEmpty() ? "" : "/" + path);
    }

    @Override
    public String rsyncDestination() {
      return "rsync://" + (user == null ? "" : user + "@") + hostForUrl(host) + ":" + port + "/" + module + "/"
          + (path.isEmpty() ? "" : path + "/");
    }
  }

  record Ssh(String user, String host, String path) implements Target {
    @Override
    public String describe() {
      return (user == null ? "" : user + "@") + host + ":" + path;
    }

    @Override
    public String rsyncDestination() {
      return (user == null ? "" : user + "@") + hostForUrl(host) + ":" + (path.endsWith("/") ? path : path + "/");
    }

    /** {@code user@host} or {@code host}, as ssh takes it. */
    public String login() {
      return (user == null ? "" : user + "@") + host;
    }
  }

  record Local(Path dir) implements Target {
    @Override
    public String describe() {
      return dir.toString();
    }

    @Override
    public String rsyncDestination() {
      String s = dir.toString();
      return s.endsWith("/") ? s : s + "/";
    }

    @Override
    public String user() {
      return null;
    }
  }

  static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  Pattern URL = Pattern.compile("rsync://(?:([^@/]*)@)?(\\[[^\\]/]*\\]|[^:/\\[\\]]*)(?::([^/]*))?(?:/(.*))?", Pattern.DOTALL);
  Pattern DOUBLE_COLON = Pattern.compile("(?:([^@/:]*)@)?(\\[[^\\]/]*\\]|[^:/\\[\\]]*)::(.*)", Pattern.DOTALL);
  Pattern SSH = Pattern.compile("(?:([^@/:]*)@)?(\\[[^\\]/]*\\]|[^:/\\[\\]]*):(.*)", Pattern.DOTALL);

  /** Parses a target; a malformed one is refused ({@link Key#URL}) with what is wrong and what was expected. */
  static Target parse(String spec) {
    if (spec == null || spec.isBlank()) throw bad(spec, "an empty target");
    if (spec.indexOf('\0') >= 0) throw bad(spec, "contains a NUL byte");
    if (spec.startsWith("rsync://")) {
      Matcher m = URL.matcher(spec);
      if (!m.matches()) throw bad(spec, "malformed rsync:// URL");
      if (m.group(1) != null && m.group(1).contains(":")) throw withPassword(spec, m.start(1) + m.group(1).indexOf(':') + 1, m.end(1));
      String host = host(spec, m.group(2));
      int port = m.group(3) == null ? Daemon.DEFAULT_PORT : port(spec, m.group(3));
      String rest = m.group(4);
      if (rest == null || rest.isEmpty() || rest.startsWith("/")) throw bad(spec, "missing module name after the host");
      return daemon(spec, user(spec, m.group(1)), host, port, rest);
    }
    Matcher scheme = OTHER_SCHEME.matcher(spec);
    if (scheme.lookingAt()) {
      // ssh://user@host/path read as host "ssh" and path "//user@host/path": rsync knows no such URL
      int at = spec.indexOf('@'), end = spec.indexOf('/', scheme.end());
      int pw = spec.indexOf(':', scheme.end());
      if (at > 0 && (end < 0 || at < end) && pw > 0 && pw < at) throw withPassword(spec, pw + 1, at);
      throw bad(spec, scheme.group(1) + ":// is no target livesync knows (nor rsync)"
          + (scheme.group(1).equalsIgnoreCase("ssh") ? ": write an ssh target as [user@]host:/path" : ""));
    }
    int colon = spec.indexOf(':');
    int slash = spec.indexOf('/');
    if (colon < 0 || (slash >= 0 && slash < colon && !spec.startsWith("["))) {
      return new Local(Path.of(spec).toAbsolutePath().normalize());
    }
    Matcher dc = DOUBLE_COLON.matcher(spec);
    if (dc.matches()) {
      String rest = dc.group(3);
      if (rest.isEmpty() || rest.startsWith("/")) throw bad(spec, "missing module name after '::'");
      return daemon(spec, user(spec, dc.group(1)), host(spec, dc.group(2)), Daemon.DEFAULT_PORT, rest);
    }
    Matcher ssh = SSH.matcher(spec);
    if (!ssh.matches()) throw bad(spec, "cannot tell host from path");
    String path = ssh.group(3);
    // user:password@host::module (or ...@host:/path) reads as host "user" and a path: a password the user meant
    if (ssh.group(1) == null && PASSWORD_THEN_HOST.matcher(path).matches()) throw withPassword(spec, ssh.start(3), ssh.start(3) + path.indexOf('@'));
    if (path.isEmpty()) throw bad(spec, "missing directory after 'host:' (write host:/path or host:dir)");
    return new Ssh(user(spec, ssh.group(1)), host(spec, ssh.group(2)), homeRelative(spec, path));
  }

  /**
   * {@code ~/dir} as {@code dir}: relative to the login's home, as a remote shell expands it. rsync
   * with {@code -s} (every run's) sends the path inside its protocol, where nothing expands {@code ~}:
   * {@code host:~/copy} went to a directory named {@code ~} in the home, {@code ~/~/copy}.
   * {@code ~user/dir} is refused: which home it means is known only to the remote host.
   */
  private static String homeRelative(String spec, String path) {
    if (!path.startsWith("~")) return path;
    if (!path.equals("~") && !path.startsWith("~/")) {
      throw bad(spec, "'" + path.split("/", 2)[0] + "' is not expanded here (rsync sends the path as it is): write the absolute path"
          + " of that user's directory (host:/home/user/dir), or a path relative to the login's home (host:dir)");
    }
    String rest = path.substring(1).replaceFirst("^/+", "");
    return rest.isEmpty() ? "." : rest;
  }

  /** A URL of a scheme other than rsync:// ({@code ssh://}, {@code file://}, {@code sftp://}). */
  Pattern OTHER_SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://");

  /** What follows {@code user:} when a password was written before {@code @host:}. */
  Pattern PASSWORD_THEN_HOST = Pattern.compile("[^/@:]+@[^/@:\\[\\]]+:.*", Pattern.DOTALL);

  /**
   * A password written in the target ({@code rsync://user:secret@host/module}): refused, and never
   * shown — the refusal names the target with the password (from {@code from} to {@code to}) as
   * {@code ***}. rsync takes none there either; it failed with an unrelated message.
   */
  private static SettingException withPassword(String spec, int from, int to) {
    String shown = spec.substring(0, from) + "***" + spec.substring(to);
    return Key.URL.refuse(shown, "holds a password (user:password@host): livesync never puts a password in a target, on a command line or"
        + " in a log; write the user alone (user@host) and the password in a file given with %s (mode 0600), or in RSYNC_PASSWORD",
        Key.PASSWORD_FILE);
  }

  private static Daemon daemon(String spec, String user, String host, int port, String rest) {
    int slash = rest.indexOf('/');
    String module = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash + 1);
    while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
    if (module.isBlank() || module.contains("]") || module.contains("[")) throw bad(spec, "invalid module name '" + module + "'");
    for (String part : path.split("/")) {
      if (part.equals("..")) throw bad(spec, "'..' is not allowed in a module path");
    }
    return new Daemon(user, host, port, module, path);
  }

  private static String user(String spec, String user) {
    if (user == null) return null;
    if (user.isEmpty()) throw bad(spec, "empty user name before '@'");
    return user;
  }

  private static String host(String spec, String host) {
    if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
    if (host.isEmpty()) throw bad(spec, "missing host");
    if (host.chars().anyMatch(c -> c <= ' ' || c == '@')) throw bad(spec, "invalid host name '" + host + "'");
    return host;
  }

  private static int port(String spec, String port) {
    try {
      int p = Integer.parseInt(port);
      if (p >= 1 && p <= 65535) return p;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw bad(spec, "invalid port '" + port + "' (1-65535)");
  }

  private static SettingException bad(String spec, String why) {
    return Key.URL.refuse(spec == null ? "" : spec, why + "; expected " + Key.URL.expected());
  }
}
