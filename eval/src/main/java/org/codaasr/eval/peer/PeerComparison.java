package org.codaasr.eval.peer;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares one utterance's greedy CTC emissions, (output frame, token) pairs, of this project and of sherpa-onnx.
 * Random-weight models make near-ties (best and second-best log-probability within {@code tieGap}) that float
 * rounding may decide either way, so an emission found on one side only is excused where a near-tie sits at its
 * frame or the frame before it (the two frames that decide whether a token starts there); any other difference is
 * a failure.
 *
 * @param identical   the same tokens at the same frames
 * @param unexplained emissions on one side only with no near-tie to excuse them ("this 12 ' TO'", "peer 13 ' TO'")
 * @param excused     emissions on one side only that a near-tie excuses
 * @param nearTies    output frames whose best two log-probabilities (this project's) are within {@code tieGap}
 */
public record PeerComparison(boolean identical, List<String> unexplained, List<String> excused,
                             List<Integer> nearTies) {

    public static final double TIE_GAP = 1e-3;

    public PeerComparison {
        unexplained = List.copyOf(unexplained);
        excused = List.copyOf(excused);
        nearTies = List.copyOf(nearTies);
    }

    /** True where every difference is excused by a near-tie. */
    public boolean passes() {
        return unexplained.isEmpty();
    }

    /**
     * @param ours  this project's decoding
     * @param peer  sherpa-onnx's, whose timestamps are frame x frame seconds printed with two decimals
     */
    public static PeerComparison of(ProjectCtcDecoding.Decoded ours, PeerResult peer, double tieGap) {
        int[] ourFrames = ours.frames();
        double[] peerTimes = peer.timestamps();
        int[] peerFrames = new int[peerTimes.length];
        for (int i = 0; i < peerTimes.length; i++) {
            peerFrames[i] = (int) Math.round(peerTimes[i] / ours.frameSeconds());
        }
        List<String> ourTokens = ours.tokens();
        List<String> peerTokens = peer.tokens();
        float[] margins = ours.margins();
        List<Integer> ties = new ArrayList<>();
        for (int t = 0; t < margins.length; t++) {
            if (margins[t] < tieGap) {
                ties.add(t);
            }
        }
        // longest common subsequence of the (frame, token) emissions
        int n = ourTokens.size();
        int m = peerTokens.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = ourFrames[i] == peerFrames[j] && ourTokens.get(i).equals(peerTokens.get(j))
                        ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> unexplained = new ArrayList<>();
        List<String> excused = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && ourFrames[i] == peerFrames[j] && ourTokens.get(i).equals(peerTokens.get(j))) {
                i++;
                j++;
            } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
                sort(ourFrames[i], "this " + ourFrames[i] + " '" + ourTokens.get(i) + "'", margins, tieGap,
                        unexplained, excused);
                i++;
            } else {
                sort(peerFrames[j], "peer " + peerFrames[j] + " '" + peerTokens.get(j) + "'", margins, tieGap,
                        unexplained, excused);
                j++;
            }
        }
        boolean identical = unexplained.isEmpty() && excused.isEmpty();
        return new PeerComparison(identical, unexplained, excused, ties);
    }

    private static void sort(int frame, String what, float[] margins, double tieGap, List<String> unexplained,
                             List<String> excused) {
        boolean tie = false;
        for (int t = Math.max(0, frame - 1); t <= frame && t < margins.length; t++) {
            tie |= margins[t] < tieGap;
        }
        (tie ? excused : unexplained).add(what);
    }
}
