package dev.tagger.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay) over groups of parameters, each group with its own peak learning rate,
 * sharing one schedule (linear warmup then linear decay) and one global gradient-norm clipping.
 * Updates run in place, untracked.
 */
public final class AdamW {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final List<NDArray> params = new ArrayList<>();
    private final List<Float> peakLrs = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final float peakLr;
    private final float weightDecay;
    private final float clipNorm;
    private final long warmupSteps;
    private final long totalSteps;
    private long step;

    /** One group of parameters with one peak learning rate. */
    public AdamW(List<NDArray> params, NDManager manager, float peakLr, float weightDecay, float clipNorm,
                 long warmupSteps, long totalSteps) {
        this(List.of(params), new float[] {peakLr}, manager, weightDecay, clipNorm, warmupSteps, totalSteps);
    }

    /**
     * @param groups  parameter groups
     * @param peakLrs the peak learning rate of each group
     * @param manager holds the moment estimates
     */
    public AdamW(List<List<NDArray>> groups, float[] peakLrs, NDManager manager, float weightDecay, float clipNorm,
                 long warmupSteps, long totalSteps) {
        if (groups.size() != peakLrs.length) {
            throw new IllegalArgumentException(groups.size() + " parameter groups but " + peakLrs.length
                    + " learning rates");
        }
        this.peakLr = peakLrs[0];
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.warmupSteps = warmupSteps;
        this.totalSteps = Math.max(1, totalSteps);
        for (int g = 0; g < groups.size(); g++) {
            for (NDArray p : groups.get(g)) {
                p.setRequiresGradient(true);
                params.add(p);
                this.peakLrs.add(peakLrs[g]);
                m.add(manager.zeros(p.getShape()));
                v.add(manager.zeros(p.getShape()));
            }
        }
    }

    /** Learning rate of the first group at the given step: linear warmup to the peak, then linear decay to zero. */
    public float learningRate(long atStep) {
        return peakLr * schedule(atStep);
    }

    /** The schedule's factor of the peak learning rate at the given step. */
    private float schedule(long atStep) {
        if (warmupSteps > 0 && atStep < warmupSteps) {
            return (float) (atStep + 1) / warmupSteps;
        }
        double remaining = (double) (totalSteps - atStep) / Math.max(1, totalSteps - warmupSteps);
        return (float) Math.max(0.0, remaining);
    }
    public long step() {
        return step;
    }

    /** Applies one update from the gradients left by backward(), then zeroes them. Returns the gradient norm. */
    public float update() {
        // Every temporary made here (gradient views, moments' intermediates) is freed at the end of
        // the step; without the scope they would pile up in the parameters' manager until training ends.
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return updateInScope();
        }
    }

    private float updateInScope() {
        float factor = schedule(step);
        step++;
        double sq = 0;
        for (NDArray p : params) {
            NDArray g = p.getGradient();
            sq += g.square().sum().getFloat();
        }
        float norm = (float) Math.sqrt(sq);
        float scale = clipNorm > 0 && norm > clipNorm ? clipNorm / norm : 1f;
        float bc1 = (float) (1 - Math.pow(BETA1, step));
        float bc2 = (float) (1 - Math.pow(BETA2, step));
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            float lr = peakLrs.get(i) * factor;
            NDArray g = p.getGradient();
            if (scale != 1f) {
                g = g.mul(scale);
            }
            m.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
            v.get(i).muli(BETA2).addi(g.square().muli(1 - BETA2));
            NDArray update = m.get(i).div(bc1).divi(v.get(i).div(bc2).sqrt().addi(EPS));
            if (weightDecay > 0) {
                p.muli(1 - lr * weightDecay);
            }
            p.subi(update.muli(lr));
            NDArray grad = p.getGradient();
            grad.subi(grad);
        }
        return norm;
    }
}
