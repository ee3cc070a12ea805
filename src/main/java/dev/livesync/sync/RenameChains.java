package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.transport.Transport.Move;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Directory renames that run together on a target that can only copy (a daemon: the new name is
 * made from the old copy there), as copies from the names the target holds to the names the source
 * holds. One after another they lose the old copy whenever a directory was renamed again before its
 * renames ran: {@code big → tmp}, then {@code tmp → archive/big}: the first finds {@code tmp} gone
 * from the source and makes nothing, the second finds no {@code tmp} at the target to copy from and
 * the batch after it sends the whole tree again. Here the renames are replayed: each becomes a copy
 * from its <em>origin</em> (what the target holds: its old name, or the old name of a directory
 * above it that an earlier rename moved) to its <em>final</em> name (its new name as the renames
 * after it left it: what the source holds now), {@code big → archive/big}. The copies go shallowest
 * final name first (a copy needs its parent), except that one from inside another's origin to a name
 * outside its final name goes before it (the old name is deleted after its copy). One inside a final
 * name already made is left out, as is a repeat: that copy made it. (So a directory renamed inside a
 * renamed one is sent with it again, as it was one rename after another: the copy of the one above
 * finds no old copy under the inner one's new name.)
 *
 * <p>Only pre-positions data, like every rename: the batches after the renames reconcile every name,
 * so a chain read wrongly costs data sent again, never a wrong target.
 */
final class RenameChains {
  private RenameChains() {}

  /** The copies for {@code moves} (in the order they happened); {@code moves} itself when no rename follows another's name. */
  static List<Move> copies(List<Move> moves) {
    // what the target holds (origin) under the name the source gives it now (current), replayed rename by rename
    List<BytePath[]> held = new ArrayList<>(moves.size());
    for (Move m : moves) {
      BytePath f = BytePath.unsafeWrap(m.from()), t = BytePath.unsafeWrap(m.to());
      BytePath[] above = null;
      for (BytePath[] h : held) if (f.isUnder(h[1]) && (above == null || h[1].length() > above[1].length())) above = h;
      BytePath origin = above == null ? f : moved(f, above[1], above[0]);
      for (BytePath[] h : held) h[1] = moved(h[1], f, t);
      held.add(new BytePath[] {origin, t});
    }
    boolean chained = false;
    for (int i = 0; i < moves.size() && !chained; i++)
      chained = !Arrays.equals(held.get(i)[0].unsafeArray(), moves.get(i).from()) || !Arrays.equals(held.get(i)[1].unsafeArray(), moves.get(i).to());
    if (!chained) return moves;
    List<BytePath[]> ordered = new ArrayList<>(held);
    ordered.sort(Comparator.comparingInt((BytePath[] h) -> depth(h[1]))); // stable: at one depth, the order of events
    List<Move> out = new ArrayList<>(moves.size());
    Set<BytePath> made = new HashSet<>();
    Set<BytePath[]> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (BytePath[] h : ordered) add(h, ordered, seen, made, out);
    return out;
  }

  /** {@code h}'s copy, after those from inside its origin to a name outside its final one: its old name is deleted after the copy. */
  private static void add(BytePath[] h, List<BytePath[]> ordered, Set<BytePath[]> seen, Set<BytePath> made, List<Move> out) {
    if (!seen.add(h) || h[0].equals(h[1]) || h[1].isUnderAny(made, true)) return;
    for (BytePath[] g : ordered) if (h[0].isAncestorOf(g[0]) && !g[1].isUnder(h[1])) add(g, ordered, seen, made, out);
    made.add(h[1]);
    out.add(new Move(h[0].unsafeArray(), h[1].unsafeArray()));
  }

  /** {@code p} with {@code dir} at its start replaced by {@code as}; {@code p} when it is not under {@code dir}. */
  static BytePath moved(BytePath p, BytePath dir, BytePath as) {
    if (!p.isUnder(dir)) return p;
    byte[] b = p.unsafeArray();
    return as.resolve(Arrays.copyOfRange(b, Math.min(b.length, dir.length() + 1), b.length));
  }

  private static int depth(BytePath p) {
    int d = 1;
    for (byte c : p.unsafeArray()) if (c == '/') d++;
    return d;
  }
}
