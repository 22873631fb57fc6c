/// Which vertical axis a series or reference line is drawn against.
enum AxisSide {
    case left
    case right
}
