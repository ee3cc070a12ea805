package dev.livesync.bench;

import dev.livesync.server.RsyncServer;
import dev.livesync.server.ServeModule;
import dev.livesync.server.ServeSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The backup side of a benchmark: the daemon {@code livesync serve} runs (a supervised rsync daemon)
 * on 127.0.0.1 at a free port with password auth, one module per name given, each module a
 * directory under the work dir.
 */
final class BenchDaemon implements AutoCloseable {
  static final String USER = "rsync_backup";
  final int port;
  final Path passwordFile;
  private final Path workdir;
  private final ServeSpec spec;
  private RsyncServer server;

  BenchDaemon(Path workdir, String... modules) throws IOException {
    this.workdir = workdir;
    this.port = freePort();
    passwordFile = workdir.resolve("rsync.password");
    Files.deleteIfExists(passwordFile);
    Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(passwordFile, "bench-secret\n");
    List<ServeModule> ms = new ArrayList<>();
    for (String m : modules) ms.add(ServeModule.of(m, Files.createDirectories(module(m)), USER, passwordFile));
    spec = new ServeSpec("127.0.0.1", port, workdir.resolve("rsyncd.log"), workdir.resolve("serve"), ms);
    server = RsyncServer.start(spec);
  }

  /**
   * The backup host goes away: the daemon and the sessions it forked (transfers under way) get
   * SIGTERM, by pid; the port refuses connections until {@link #start}.
   */
  void stop() {
    List<ProcessHandle> sessions = ProcessHandle.of(server.pid()).map(h -> h.descendants().toList()).orElse(List.of());
    server.close();
    for (ProcessHandle h : sessions) h.destroy();
  }

  /** The daemon's process. */
  long pid() {
    return server.pid();
  }

  /** Starts the daemon again, on the same port with the same modules, after {@link #stop}; returns once it listens. */
  void start() {
    server = RsyncServer.start(spec);
  }

  Path module(String name) {
    return workdir.resolve("module-" + name);
  }

  String url(String module) {
    return "rsync://" + USER + "@127.0.0.1:" + port + "/" + module + "/";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
