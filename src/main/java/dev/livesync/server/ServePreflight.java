package dev.livesync.server;

import dev.livesync.LivesyncException;
import dev.livesync.settings.Dirs;
import dev.livesync.settings.PasswordFile;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The checks {@code serve} makes before it writes anything, each failing with what to do. */
public final class ServePreflight {
  private ServePreflight() {}

  /** Everything except the port: modules, paths, users, password files. */
  public static void checkModules(ServeSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec.modules().isEmpty()) {
      problems.add("no module to serve: give --module NAME --path DIR --user USER --password-file FILE, or [[serve.module]] in the config");
    }
    if (spec.port() < 1 || spec.port() > 65535) problems.add("port " + spec.port() + " is not a TCP port (1-65535)");
    Set<String> names = new HashSet<>();
    for (ServeModule m : spec.modules()) {
      String nameProblem = RsyncdConf.checkModuleName(m.name());
      if (nameProblem != null) {
        problems.add(nameProblem);
        continue;
      }
      if (!names.add(m.name())) problems.add("module '" + m.name() + "' is defined twice");
      String where = "module '" + m.name() + "': ";
      if (m.path() == null) {
        problems.add(where + "no path: give --path DIR (the directory backups are written to)");
      } else if (!Files.isDirectory(m.path())) {
        problems.add(where + "path " + m.path() + " does not exist or is not a directory: create it (mkdir -p " + m.path() + ")");
      } else if (!m.readOnly() && !Files.isWritable(m.path())) {
        problems.add(where + "path " + m.path() + " is not writable by " + System.getProperty("user.name") + ": fix its owner or mode");
      }
      boolean anonymous = m.readOnly() && m.user() == null && m.passwordFile() == null;
      if (anonymous) {
        // a read-only module may be public; a writable one never is
      } else if (m.user() == null || m.user().isBlank()) {
        problems.add(where + "no user: give --user NAME (the name clients put before @)"
            + (m.readOnly() ? "" : "; a writable module always needs a user and password"));
      } else if (m.user().contains(":") || m.user().contains(",") || m.user().contains(" ")) {
        problems.add(where + "user '" + m.user() + "' must not contain ':', ',' or spaces");
      }
      if (anonymous) {
        // no secrets file
      } else if (m.passwordFile() == null) {
        problems.add(where + "no password file: give --password-file FILE (mode 0600, the password on its first line)");
      } else {
        String p = PasswordFile.problem(m.passwordFile());
        if (p != null) problems.add(where + "password file " + m.passwordFile() + " " + p);
      }
      for (String v : new String[] {m.comment(), m.path() == null ? null : m.path().toString(), m.uid(), m.gid()}) {
        if (v != null && (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0)) problems.add(where + "values must not contain line breaks");
      }
      for (String h : m.hostsAllow()) {
        if (h.isBlank() || h.contains(" ")) problems.add(where + "hosts allow entry '" + h + "' is not an address or CIDR");
      }
    }
    if (!problems.isEmpty()) throw new LivesyncException(String.join("\n", problems), 2);
  }

  /**
   * Fails when something already listens on the port. Binds with SO_REUSEADDR like rsync does, so a
   * port in TIME_WAIT is not mistaken for a busy one.
   */
  public static void checkPortFree(String address, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      InetSocketAddress at =
          address == null ? new InetSocketAddress(port) : new InetSocketAddress(InetAddress.getByName(address), port);
      s.bind(at);
    } catch (BindException e) {
      String where = (address == null ? "*" : address) + ":" + port;
      if (port < 1024 && !Dirs.isRoot()) {
        throw new LivesyncException("cannot listen on " + where + ": ports below 1024 need root; run as root or choose --port 1024 or above", 2);
      }
      throw new LivesyncException(
          "port " + port + " is already in use (" + where + "): see who holds it with `ss -ltnp 'sport = :" + port
              + "'` and stop that service (often an rsync daemon started by systemd: systemctl stop rsync), or choose another --port",
          2);
    } catch (IOException e) {
      throw new LivesyncException("cannot listen on " + (address == null ? "*" : address) + ":" + port + ": " + e.getMessage(), 2, e);
    }
  }
}
