package dev.sandtable.app.viewmodel;

/** Whether an action can run now, and if not, the sentence shown in the disabled control's tooltip. */
public record Availability(boolean enabled, String reason) {
    public static final Availability OK = new Availability(true, null);

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
