package dev.livesync.bench;

import dev.livesync.LivesyncException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * The backup side of a benchmark: a real rsync daemon on 127.0.0.1 at a free port with password
 * auth, one module per name given, each module a directory under the work dir.
 */
final class BenchDaemon implements AutoCloseable {
  static final String USER = "rsync_backup";
  final int port;
  final Path passwordFile;
  private final Path workdir;
  private final Process process;

  BenchDaemon(Path workdir, String... modules) throws IOException, InterruptedException {
    this.workdir = workdir;
    this.port = freePort();
    Path secrets = workdir.resolve("rsyncd.secrets");
    Files.writeString(secrets, USER + ":bench-secret\n");
    Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    passwordFile = workdir.resolve("rsync.password");
    Files.writeString(passwordFile, "bench-secret\n");
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    var conf = new StringBuilder();
    conf.append("use chroot = no\nuid = root\ngid = root\nmax connections = 0\n")
        .append("log file = ").append(workdir.resolve("rsyncd.log")).append('\n');
    for (String m : modules) {
      Files.createDirectories(module(m));
      conf.append('[').append(m).append("]\n  path = ").append(module(m))
          .append("\n  read only = false\n  auth users = ").append(USER)
          .append("\n  secrets file = ").append(secrets).append('\n');
    }
    Path confFile = workdir.resolve("rsyncd.conf");
    Files.writeString(confFile, conf);
    process = new ProcessBuilder("rsync", "--daemon", "--no-detach", "--config=" + confFile,
            "--address=127.0.0.1", "--port=" + port)
        .redirectErrorStream(true)
        .redirectOutput(workdir.resolve("rsyncd.out").toFile())
        .start();
    awaitPort();
  }

  Path module(String name) {
    return workdir.resolve("module-" + name);
  }

  String url(String module) {
    return "rsync://" + USER + "@127.0.0.1:" + port + "/" + module + "/";
  }

  private void awaitPort() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) break;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    close();
    throw new LivesyncException("the benchmark's rsync daemon did not start; see " + workdir.resolve("rsyncd.out"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    Contender.stop(process);
  }
}
