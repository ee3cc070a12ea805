package dev.livesync.monitor;

import dev.livesync.LivesyncException;
import dev.livesync.settings.PasswordFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Where the status page and {@code /metrics} listen ({@code --http ADDR:PORT}, config
 * {@code [http] listen}) and the bearer token that guards them ({@code --http-token FILE}, config
 * {@code [http] token_file}). Loopback by default (a bare {@code PORT} is {@code 127.0.0.1:PORT});
 * an address other hosts can reach needs a token. Validated here, once, for the command line and
 * the config file alike; every refusal is exit 2.
 *
 * @param listen what to bind
 * @param spec the address as the user wrote it (for messages)
 * @param token the bearer token, or null (loopback only)
 * @param tokenFile where the token came from, or null
 * @param origin who named the address, for a refusal to listen there: {@code --http}, or the config's
 *     {@code FILE:LINE:COL: http.listen}
 */
public record HttpSettings(InetSocketAddress listen, String spec, String token, Path tokenFile, String origin) {
  /** Shortest token accepted: a guessable secret protects nothing. */
  static final int MIN_TOKEN = 16;

  /** Parses {@code ADDR:PORT}, {@code [IPv6]:PORT} or {@code PORT}; reads and checks the token file when given. */
  public static HttpSettings of(String spec, Path tokenFile, String flag, String tokenFlag) {
    InetSocketAddress listen = parse(spec, flag);
    String token = null;
    if (tokenFile != null) {
      token = PasswordFile.read(tokenFile, "token").strip();
      if (token.length() < MIN_TOKEN) {
        throw new LivesyncException(shown(tokenFlag, tokenFile) + ": the token is " + token.length() + " characters; use at least " + MIN_TOKEN
            + " (e.g. `head -c 32 /dev/urandom | base64 > " + tokenFile + "`)", 2);
      }
    }
    if (token == null && !listen.getAddress().isLoopbackAddress()) {
      throw new LivesyncException((flag.startsWith("--") ? flag + " " + spec : flag + ": " + spec) + " listens beyond this host: give " + (tokenFlag.startsWith("--") ? tokenFlag + " FILE" : tokenFlag)
          + " too (a bearer token, file mode 0600), or listen on 127.0.0.1", 2);
    }
    return new HttpSettings(listen, spec, token, tokenFile, flag);
  }

  /** These settings as the config file's {@code [http] listen} gave them: {@code at} is the key's {@code FILE:LINE:COL: }, or empty. */
  public HttpSettings fromConfig(String at) {
    return new HttpSettings(listen, spec, token, tokenFile, at + "http.listen");
  }

  /**
   * Why the address could not be listened on, in one line: a bad value of the flag (exit 2) or of
   * the config key (at its place, exit 78), as every other refusal of the address is.
   */
  LivesyncException cannotListen(java.io.IOException e) {
    String why = e.getMessage();
    if (e instanceof java.net.BindException && why != null && why.contains("in use")) {
      why += " (another process holds the port: `ss -ltnp 'sport = :" + listen.getPort() + "'` shows which)";
    } else if (e instanceof java.net.BindException && why != null && why.contains("assign")) {
      why += " (" + listen.getAddress().getHostAddress() + " is not an address of this host)";
    }
    boolean flag = origin.startsWith("--");
    return new LivesyncException((flag ? "" : origin + ": ") + "cannot listen on " + spec + (flag ? " (" + origin + ")" : "") + ": " + why,
        flag ? dev.livesync.Exit.USAGE : dev.livesync.Exit.CONFIG, e);
  }

  static InetSocketAddress parse(String spec, String flag) {
    String s = spec == null ? "" : spec.strip();
    String host = "127.0.0.1";
    String port = s;
    if (s.startsWith("[")) {
      int end = s.indexOf("]:");
      if (end < 0) throw bad(spec, flag);
      host = s.substring(1, end);
      port = s.substring(end + 2);
    } else if (s.indexOf(':') >= 0) {
      if (s.indexOf(':') != s.lastIndexOf(':')) throw new LivesyncException(shown(flag, spec) + ": write an IPv6 address in brackets, e.g. [::1]:9123", 2);
      host = s.substring(0, s.indexOf(':'));
      port = s.substring(s.indexOf(':') + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw bad(spec, flag);
    }
    if (p < 1 || p > 65535) throw new LivesyncException(shown(flag, spec) + ": the port must be from 1 to 65535", 2);
    if (host.isEmpty()) throw bad(spec, flag);
    try {
      return new InetSocketAddress(InetAddress.getByName(host), p);
    } catch (UnknownHostException e) {
      throw new LivesyncException(shown(flag, spec) + ": unknown host " + host, 2);
    }
  }

  private static LivesyncException bad(String spec, String flag) {
    return new LivesyncException(shown(flag, spec) + ": expected ADDR:PORT (e.g. 127.0.0.1:9123, [::1]:9123, 0.0.0.0:9123) or a port", 2);
  }

  /** The URL to print in the log. */
  public String url() {
    String h = listen.getAddress().getHostAddress();
    return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + listen.getPort() + "/";
  }

  /** A flag with the value given ({@code --http 1.2.3.4:0}); a config key ({@code http.listen}) alone, its place in the file said before it. */
  private static String shown(String name, Object value) {
    return name.startsWith("--") ? name + " " + value : name;
  }
}
