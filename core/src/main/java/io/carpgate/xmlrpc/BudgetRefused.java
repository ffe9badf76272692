package io.carpgate.xmlrpc;

/** Internal signal that the {@link KeptBudget} refused the reader more heap; no stack trace is needed. */
final class BudgetRefused extends Exception {
    BudgetRefused() {
        super("the kept-values budget refused", null, false, false);
    }
}
