package ephemeral.e2e.bench;

import java.util.Locale;

/**
 * One measured figure and the target it is read against. A missed target is information, not an error.
 *
 * @param higherIsBetter whether the value must be at least (true) or at most (false) the target
 */
public record Figure(String name, double value, String unit, double target, boolean higherIsBetter, String note) {

    public static Figure atLeast(String name, double value, String unit, double target) {
        return new Figure(name, value, unit, target, true, "");
    }

    public static Figure atMost(String name, double value, String unit, double target) {
        return new Figure(name, value, unit, target, false, "");
    }

    /** A figure with nothing to compare against (context for the others). */
    public static Figure info(String name, double value, String unit) {
        return new Figure(name, value, unit, Double.NaN, true, "");
    }

    public Figure withNote(String text) {
        return new Figure(name, value, unit, target, higherIsBetter, text);
    }

    public boolean hasTarget() {
        return !Double.isNaN(target);
    }

    public boolean met() {
        return !hasTarget() || (higherIsBetter ? value >= target : value <= target);
    }

    public String targetText() {
        if (!hasTarget()) {
            return "—";
        }
        return (higherIsBetter ? "≥ " : "≤ ") + number(target) + " " + unit;
    }

    /** {@code name value unit (target …)}, the line format the issue asks for. */
    public String line() {
        String t = hasTarget() ? " (target " + targetText() + (met() ? ", met" : ", MISSED") + ")" : "";
        return name + " " + number(value) + " " + unit + t + (note.isEmpty() ? "" : " — " + note);
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%,.0f" : Math.abs(v) >= 10 ? "%.1f" : "%.2f", v);
    }
}
