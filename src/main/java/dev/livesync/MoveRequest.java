package dev.livesync;

import java.util.HexFormat;
import java.util.List;

/**
 * How a livesync client asks a {@code livesync serve} daemon to rename a directory in a module: by
 * listing {@code MODULE+move/HEX(from)/HEX(to)/../..}, the module's companion whose daemon runs the
 * rename before the listing (server.ModuleMoves). The daemon resolves the ".." and lists an empty
 * directory; the command sees the request as the client wrote it. {@code from} and {@code to} are
 * relative to the module, in hex so that any bytes pass. Both sides use this one definition.
 */
public final class MoveRequest {
  /** The companion module's name suffix: '+' is not allowed in a served module's own name. */
  public static final String SUFFIX = "+move";
  /** The tail that makes the daemon list the empty directory itself. */
  private static final String TAIL = "/../..";
  /** The daemon takes requests of up to 4 KiB; a longer rename is copied instead. */
  private static final int MAX = 3800;

  private MoveRequest() {}

  /** The request path (after {@code rsync://host:port/}) asking module {@code module} to rename {@code from} to {@code to}, or null when too long. */
  public static String encode(String module, byte[] from, byte[] to) {
    HexFormat hex = HexFormat.of();
    String r = module + SUFFIX + "/" + hex.formatHex(from) + "/" + hex.formatHex(to) + TAIL;
    return r.length() > MAX ? null : r;
  }

  /** A request as the daemon passes it ({@code RSYNC_REQUEST}): its two names, or null when it is not one. */
  public static byte[][] decode(String request) {
    int slash = request.indexOf('/');
    if (slash < 0 || !request.substring(0, slash).endsWith(SUFFIX) || !request.endsWith(TAIL)) return null;
    List<String> parts = List.of(request.substring(slash + 1, request.length() - TAIL.length()).split("/", -1));
    if (parts.size() != 2) return null;
    try {
      byte[] from = HexFormat.of().parseHex(parts.get(0)), to = HexFormat.of().parseHex(parts.get(1));
      return from.length == 0 || to.length == 0 ? null : new byte[][] {from, to};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
