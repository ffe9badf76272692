package io.carpgate.xmlrpc;

/**
 * The heap of what one read keeps, estimated as it grows and asked of its {@link KeptBudget} in chunks, so a
 * budget shared by many threads is asked once per {@link #CHUNK}, not once per value. At most a chunk (plus the
 * one value being built) is held before it is asked for.
 */
final class KeptTally {
    /**
     * Bytes per value held in a kept struct, array or the parameters, besides its chars. Basis ({@code KeptCostTest},
     * JDK 17, compressed references as under any heap below 32 GiB): heap in use after a full GC with the tree held,
     * per value, was at most 116 B for one-char strings (String, its array, Str, TextSlot, the list's reference),
     * 108 for empty structs, 133 for the members of one struct plus 60 for the second map of them a struct holds
     * while it is built (the walker's, copied into the {@link XmlRpcValue.Struct}): 193 B, ~15 of it name chars
     * charged apart. 192 covers every value's own share; a struct member adds {@link #MEMBER_COST}. Those tests fail
     * if a shape outgrows what it is charged.
     */
    static final long VALUE_COST = 192;
    /**
     * Bytes per member of a kept struct besides its value's own {@link #VALUE_COST} and its name's chars: the map's
     * entry and slot, the name's String, and the same again in the second map while the struct is built. Basis
     * ({@code KeptCostShapesTest}): a struct of 200,000 members with short names held up to 236 B a member after the
     * read (a one-char string each), some 60 B more while it was built, where one value's charge alone was 192.
     */
    static final long MEMBER_COST = 144;
    /** A kept char: 2 bytes in the worst case (a String with any char above Latin-1 is UTF-16). */
    static final long CHAR_COST = 2;
    static final long CHUNK = 64 * 1024;

    private final KeptBudget budget;
    private long unpaid;

    KeptTally(KeptBudget budget) {
        this.budget = budget;
    }

    /** One more value held by a kept container (a value nothing keeps is never counted). */
    void value() throws BudgetRefused {
        add(VALUE_COST);
    }

    /** One more member of a kept struct (its value is counted by {@link #value()} as any value is). */
    void member() throws BudgetRefused {
        add(MEMBER_COST);
    }

    /** {@code count} more chars gathered for a kept text. */
    void chars(int count) throws BudgetRefused {
        add(CHAR_COST * count);
    }

    /** Asks for what is still unpaid: at the end of a read, so the whole tree is paid for before it is used. */
    void settle() throws BudgetRefused {
        if (unpaid > 0) {
            pay();
        }
    }

    private void add(long bytes) throws BudgetRefused {
        unpaid += bytes;
        if (unpaid >= CHUNK) {
            pay();
        }
    }

    private void pay() throws BudgetRefused {
        if (!budget.take(unpaid)) {
            throw new BudgetRefused();
        }
        unpaid = 0;
    }
}
