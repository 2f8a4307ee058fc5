package dev.tagger.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay) over a list of parameters, with linear warmup then linear decay
 * of the learning rate and global gradient-norm clipping. Updates run in place, untracked.
 */
public final class AdamW {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final List<NDArray> params;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final float peakLr;
    private final float weightDecay;
    private final float clipNorm;
    private final long warmupSteps;
    private final long totalSteps;
    private long step;

    public AdamW(List<NDArray> params, NDManager manager, float peakLr, float weightDecay, float clipNorm,
                 long warmupSteps, long totalSteps) {
        this.params = List.copyOf(params);
        this.peakLr = peakLr;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.warmupSteps = warmupSteps;
        this.totalSteps = Math.max(1, totalSteps);
        for (NDArray p : this.params) {
            p.setRequiresGradient(true);
            m.add(manager.zeros(p.getShape()));
            v.add(manager.zeros(p.getShape()));
        }
    }

    /** Learning rate at the given step: linear warmup to the peak, then linear decay to zero. */
    public float learningRate(long atStep) {
        if (warmupSteps > 0 && atStep < warmupSteps) {
            return peakLr * (atStep + 1) / warmupSteps;
        }
        double remaining = (double) (totalSteps - atStep) / Math.max(1, totalSteps - warmupSteps);
        return (float) (peakLr * Math.max(0.0, remaining));
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
        float lr = learningRate(step);
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
