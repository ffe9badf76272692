package io.carpgate.sim;

/** An IXR_Error: what a method returns instead of a value when the call fails. */
record IxrFault(int code, String message) {}
