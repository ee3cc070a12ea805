package dev.livesync.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;

/**
 * Whether a target's host accepts a TCP connection on the port rsync will use (the daemon's port, or
 * ssh's): a connect and an immediate close, nothing sent, at most {@link #TIMEOUT_MS}. It says only
 * that something listens there — authentication and the module are the next transfer's business —
 * so the engine uses it to try again as soon as an unreachable target answers, never to decide that
 * a transfer would succeed. Local targets, and ssh hosts that only ~/.ssh/config can resolve, are
 * {@link Transport.Reachability#UNKNOWN}.
 */
final class PortProbe {
  static final int TIMEOUT_MS = 1000;

  private PortProbe() {}

  static Transport.Reachability probe(Target target, TargetOptions options) {
    String host;
    int port;
    switch (target) {
      case Target.Daemon d -> {
        host = d.host();
        port = d.port();
      }
      case Target.Ssh s -> {
        host = s.host();
        port = options.sshPort() > 0 ? options.sshPort() : 22;
      }
      case Target.Local l -> {
        return Transport.Reachability.UNKNOWN;
      }
    }
    var address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) return Transport.Reachability.UNKNOWN;
    try (var socket = new Socket()) {
      socket.connect(address, TIMEOUT_MS);
      return Transport.Reachability.UP;
    } catch (UnknownHostException e) {
      return Transport.Reachability.UNKNOWN;
    } catch (IOException e) {
      return Transport.Reachability.DOWN;
    }
  }
}
