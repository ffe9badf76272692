package io.carpgate.policy;

import io.carpgate.xmlrpc.TextSlot;

/** Replace the string at {@code slot} with {@code newText}; everything else in the body stays byte for byte. */
public record SlotChange(TextSlot slot, String newText) {}
