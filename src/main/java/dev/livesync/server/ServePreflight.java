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
    List<String> problems = moduleProblems(spec);
    if (!problems.isEmpty()) throw new LivesyncException(String.join("\n", problems), 2);
  }

  /** Every problem {@code serve} would start with — the modules' and the address's and port's — one per line (exit 2). */
  public static void check(ServeSpec spec) {
    List<String> problems = moduleProblems(spec);
    if (spec.port() >= 1 && spec.port() <= 65535) {
      String p = portProblem(spec.address(), spec.port());
      if (p != null) problems.add(p);
    }
    if (!problems.isEmpty()) throw new LivesyncException(String.join("\n", problems), 2);
  }

  static List<String> moduleProblems(ServeSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec.modules().isEmpty()) {
      problems.add("no module to serve: give --module NAME --path DIR --user USER --password-file FILE, or [[serve.module]] in the config");
    }
    if (spec.port() < 1 || spec.port() > 65535) problems.add("port " + spec.port() + " is not a TCP port (1-65535)");
    Set<String> names = new HashSet<>();
    for (ServeModule m : spec.modules()) {
      // a bad name is one problem among the module's others: the rest are still checked and listed
      String nameProblem = RsyncdConf.checkModuleName(m.name());
      if (nameProblem != null) problems.add(nameProblem);
      else if (!names.add(m.name())) problems.add("module '" + m.name() + "' is defined twice");
      String where = "module '" + m.name() + "': ";
      if (m.path() == null) {
        problems.add(where + "no path: give --path DIR (the directory backups are written to)");
      } else if (!Files.isDirectory(m.path())) {
        problems.add(where + "path " + m.path() + " does not exist or is not a directory: create it (mkdir -p " + m.path() + ")");
      } else if (dev.livesync.fs.Mounts.notMounted(m.path()) instanceof String mp) {
        problems.add(where + "path " + m.path() + " " + dev.livesync.fs.Mounts.belowNothingMounted(mp)
            + ": backups would fill the disk under the mount point; mount " + mp + " first");
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
        if (p == null) p = PasswordFile.secretsForm(m.passwordFile(), m.user()); // serve writes that line itself, from the password
        if (p != null) problems.add(where + "password file " + m.passwordFile() + " " + p);
      }
      for (String v : new String[] {m.comment(), m.path() == null ? null : m.path().toString(), m.uid(), m.gid()}) {
        if (v != null && (v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0)) problems.add(where + "values must not contain line breaks");
      }
      if (Dirs.isRoot()) { // only root switches users: without root the lines are left out of rsyncd.conf
        String u = idProblem(m.uid(), false);
        if (u != null) problems.add(where + u);
        String g = idProblem(m.gid(), true);
        if (g != null) problems.add(where + g);
        String w = u == null && g == null && Files.isDirectory(m.path()) ? WritableAs.problem(m) : null;
        if (w != null) problems.add(where + w);
      }
      for (String h : m.hostsAllow()) {
        if (h.isBlank() || h.contains(" ")) problems.add(where + "hosts allow entry '" + h + "' is not an address or CIDR");
      }
    }
    return problems;
  }

  /**
   * Why the daemon could not switch to {@code uid} (or each group of the {@code gid} list, which
   * rsyncd.conf separates with spaces or commas, {@code *} first allowed), or null. rsync resolves
   * them at each connection only: a name with no entry here (the classic rsyncd.conf's {@code uid = rsync}
   * before {@code useradd rsync}) started a daemon that refused every client with "invalid uid rsync".
   */
  static String idProblem(String value, boolean group) {
    if (value == null) return null;
    var lookup = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService();
    for (String id : value.trim().split("[ ,]+")) {
      if (id.isEmpty() || id.matches("\\d+") || (group && id.equals("*"))) continue;
      try {
        if (group) lookup.lookupPrincipalByGroupName(id);
        else lookup.lookupPrincipalByName(id);
      } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
        return group
            ? "gid '" + id + "': no such group on this host, so the daemon would refuse every client (invalid gid " + id
                + "): create it (groupadd -r " + id + "), or give an existing group or a number (--gid, gid)"
            : "uid '" + id + "': no such user on this host, so the daemon would refuse every client (invalid uid " + id
                + "): create it (useradd -r -M -s /usr/sbin/nologin " + id + "), or give an existing user or a number (--uid, uid)";
      } catch (IOException e) {
        return null; // cannot tell: let the daemon say
      }
    }
    return null;
  }

  /**
   * Fails when something already listens on the port. Binds with SO_REUSEADDR like rsync does, so a
   * port in TIME_WAIT is not mistaken for a busy one.
   */
  public static void checkPortFree(String address, int port) {
    String p = portProblem(address, port);
    if (p != null) throw new LivesyncException(p, 2);
  }

  /** Why {@code serve} cannot listen on {@code address:port}, or null. */
  static String portProblem(String address, int port) {
    String where = (address == null ? "*" : address) + ":" + port;
    InetAddress addr = null;
    if (address != null) {
      try {
        addr = InetAddress.getByName(address);
      } catch (java.net.UnknownHostException e) {
        return "address " + address + " is not a host name or address this host can resolve: give one of this host's addresses ("
            + localAddresses() + "), or leave --address out to listen on all";
      }
      if (!isLocal(addr)) {
        return "address " + address + " is not an address of this host (it has " + localAddresses()
            + "): give one of them, or leave --address out to listen on all";
      }
    }
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(addr == null ? new InetSocketAddress(port) : new InetSocketAddress(addr, port));
      return null;
    } catch (BindException e) {
      if (port < 1024 && !Dirs.isRoot()) {
        return "cannot listen on " + where + ": ports below 1024 need root; run as root or choose --port 1024 or above";
      }
      return "port " + port + " is already in use (" + where + "): see who holds it with `ss -ltnp 'sport = :" + port
          + "'` and stop that service (often an rsync daemon started by systemd: systemctl stop rsync), or choose another --port";
    } catch (IOException e) {
      return "cannot listen on " + where + ": " + e.getMessage();
    }
  }

  private static boolean isLocal(InetAddress a) {
    try {
      return a.isAnyLocalAddress() || a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
    } catch (java.net.SocketException e) {
      return true; // cannot tell: let the bind say
    }
  }

  private static String localAddresses() {
    try {
      return java.net.NetworkInterface.networkInterfaces().flatMap(java.net.NetworkInterface::inetAddresses)
          .map(a -> a.getHostAddress().replaceAll("%.*", "")).distinct().collect(java.util.stream.Collectors.joining(", "));
    } catch (java.net.SocketException e) {
      return "see ip -br addr";
    }
  }
}
