package org.codaasr.model.recognizer;

/**
 * A slice of one stream's features for one encoder call and how many of its trailing output frames are new; a
 * cached window holds only new frames and goes through the streaming encoder with the stream's encoder state.
 */
record EncoderWindow(float[][] features, int firstOutputFrame, int newOutputFrames, boolean cached) {}
