package org.codaasr.model.features;

/** A whole-utterance front end: samples in [-1, 1] at its sample rate to feature frames [frames][bins]. */
@FunctionalInterface
public interface FrontEnd {

    float[][] compute(float[] samples);
}
