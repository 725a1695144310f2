//! Charts as plain SVG.
//!
//! Written by hand rather than through plotters' SVG backend: the page needs what that
//! backend does not write — a `viewBox` with no fixed pixel size (so charts shrink to a
//! phone's width), `<title>`/`<desc>` and ARIA roles on every chart, CSS classes for
//! print, and no `url(…)` references — and the library stays free of a plotting
//! dependency. Every chart is [`WIDTH`] user units wide; text sizes are in those units.

use super::format::{Axis, Esc, Unit};
use std::fmt::Write as _;

/// Width of every chart's `viewBox`.
pub(crate) const WIDTH: f64 = 420.0;

/// The Okabe–Ito palette (Okabe and Ito 2008), distinguishable with every common form of
/// colour blindness.
pub(crate) mod okabe_ito {
    pub const ORANGE: &str = "#E69F00";
    pub const SKY_BLUE: &str = "#56B4E9";
    pub const GREEN: &str = "#009E73";
    pub const YELLOW: &str = "#F0E442";
    pub const BLUE: &str = "#0072B2";
    pub const VERMILLION: &str = "#D55E00";
    pub const PURPLE: &str = "#CC79A7";
    pub const BLACK: &str = "#000000";
    /// For lines and categories, in order.
    pub const CYCLE: [&str; 7] = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY_BLUE, BLACK];
}

/// Grey for reference lines (diagonals, baselines).
pub(crate) const REFERENCE: &str = "#6b6b6b";

/// Writes a coordinate with one decimal, which is finer than any screen needs.
struct C(f64);

impl std::fmt::Display for C {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        let r = (v * 10.0).round() / 10.0;
        if r.fract() == 0.0 {
            write!(f, "{}", r as i64)
        } else {
            write!(f, "{r:.1}")
        }
    }
}

/// Opens a chart: `viewBox`, role, and the accessible title and description.
fn open(out: &mut String, id: &str, height: f64, title: &str, desc: &str) {
    open_wide(out, id, WIDTH, height, title, desc);
}

/// [`open`] with a width other than [`WIDTH`].
fn open_wide(out: &mut String, id: &str, width: f64, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg class="chart" data-chart="{id}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{t}</title><desc id="{id}-d">{d}</desc>"#,
        id = Esc(id),
        w = C(width),
        h = C(height),
        t = Esc(title),
        d = Esc(desc),
    );
}

/// Text anchored at a point.
fn text(out: &mut String, x: f64, y: f64, anchor: &str, class: &str, s: &str) {
    let _ = write!(
        out,
        r#"<text x="{}" y="{}" text-anchor="{anchor}" class="{class}">{}</text>"#,
        C(x),
        C(y),
        Esc(s)
    );
}

/// Luminance-based choice of black or white text on a fill `#rrggbb`.
fn text_on(fill: &str) -> &'static str {
    let hex = fill.trim_start_matches('#');
    let ch = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map_or(0.0, |v| f64::from(v) / 255.0)
    };
    let lum = 0.2126 * ch(0) + 0.7152 * ch(2) + 0.0722 * ch(4);
    if lum < 0.45 { "#ffffff" } else { "#1a1a1a" }
}

/// One bar of a horizontal bar chart.
#[derive(Debug, Clone)]
pub(crate) struct Bar {
    pub label: String,
    pub value: f64,
    pub colour: &'static str,
    /// Shown at the end of the bar.
    pub text: String,
}

/// A horizontal bar chart: one labelled bar per category, value axis at the bottom.
pub(crate) fn bars(
    out: &mut String,
    id: &str,
    title: &str,
    desc: &str,
    value_title: &str,
    unit: Unit,
    items: &[Bar],
) {
    const BAR: f64 = 22.0;
    const GAP: f64 = 10.0;
    const TOP: f64 = 8.0;
    const BOTTOM: f64 = 42.0;
    const MIN_PLOT: f64 = 200.0;
    // About 7.2 units a character at the 13-unit label font, 7 at the 12.5-unit values.
    let chars = |s: &str| s.chars().count() as f64;
    let longest = items.iter().map(|b| chars(&b.label)).fold(0.0, f64::max);
    let left = (longest * 7.2 + 12.0).clamp(48.0, 260.0);
    let right = items
        .iter()
        .map(|b| chars(&b.text) * 7.0 + 10.0)
        .fold(40.0, f64::max);
    // Long labels widen the chart rather than squeeze the bars; it then scales down.
    let width = WIDTH.max(left + MIN_PLOT + right);
    let plot_h = items.len().max(1) as f64 * (BAR + GAP);
    let height = TOP + plot_h + BOTTOM;
    let max = items
        .iter()
        .map(|b| if b.value.is_finite() { b.value } else { 0.0 })
        .fold(0.0, f64::max);
    let (x0, x1) = (left, width - right);
    // About one tick per 60 units keeps the tick labels apart.
    let axis = Axis::nice(0.0, max, ((x1 - x0) / 60.0).clamp(3.0, 6.0) as usize);
    open_wide(out, id, width, height, title, desc);
    let labels = axis.labels(unit);
    for (t, l) in axis.ticks.iter().zip(&labels) {
        let x = axis.map(*t, x0, x1);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{x}" x2="{x}" y1="{}" y2="{}"/>"#,
            C(TOP),
            C(TOP + plot_h),
            x = C(x)
        );
        text(out, x, TOP + plot_h + 15.0, "middle", "tick", l);
    }
    for (i, b) in items.iter().enumerate() {
        let y = TOP + i as f64 * (BAR + GAP) + GAP / 2.0;
        let v = if b.value.is_finite() {
            b.value.max(0.0)
        } else {
            0.0
        };
        let w = (axis.map(v, x0, x1) - x0).max(0.0);
        text(out, x0 - 6.0, y + BAR / 2.0 + 4.5, "end", "label", &b.label);
        let _ = write!(
            out,
            r#"<rect class="mark" x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>"#,
            C(x0),
            C(y),
            C(w.max(0.5)),
            C(BAR),
            b.colour,
            Esc(&b.label),
            Esc(&b.text)
        );
        text(
            out,
            x0 + w + 4.0,
            y + BAR / 2.0 + 4.5,
            "start",
            "value",
            &b.text,
        );
    }
    let _ = write!(
        out,
        r#"<line class="axis" x1="{x}" x2="{x}" y1="{}" y2="{}"/>"#,
        C(TOP),
        C(TOP + plot_h),
        x = C(x0)
    );
    text(
        out,
        (x0 + x1) / 2.0,
        height - 6.0,
        "middle",
        "axis-title",
        value_title,
    );
    out.push_str("</svg>");
}

/// How a series is drawn.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Style {
    /// A solid line.
    Line,
    /// A solid line with a marker at each point.
    LineMarkers,
    /// A dashed grey reference (a diagonal, a baseline); not a data mark.
    Reference,
    /// A line through points whose marker radii are given (e.g. by bin size).
    Bubbles(Vec<f64>),
}

/// One series of a line chart.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub colour: &'static str,
    pub style: Style,
    pub width: f64,
}

impl Series {
    pub(crate) fn new(
        name: impl Into<String>,
        points: Vec<(f64, f64)>,
        colour: &'static str,
        style: Style,
    ) -> Self {
        Series {
            name: name.into(),
            points,
            colour,
            style,
            width: 2.2,
        }
    }
}

/// A vertical column from `x0` to `x1` up to `y`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
}

/// A chart on two numeric axes.
#[derive(Debug, Clone)]
pub(crate) struct Plot<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub x: Axis,
    pub y: Axis,
    pub x_unit: Unit,
    pub y_unit: Unit,
    pub x_title: &'a str,
    pub y_title: &'a str,
    pub columns: Vec<Column>,
    pub column_colour: &'static str,
    pub series: Vec<Series>,
}

/// Draws a [`Plot`]: grid at the ticks, columns, then series (references below data).
pub(crate) fn plot(out: &mut String, p: &Plot<'_>) {
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 22.0;
    const TOP: f64 = 12.0;
    const BOTTOM: f64 = 46.0;
    const HEIGHT: f64 = 300.0;
    let (x0, x1) = (LEFT, WIDTH - RIGHT);
    let (y0, y1) = (HEIGHT - BOTTOM, TOP);
    open(out, p.id, HEIGHT, p.title, p.desc);
    for (t, l) in p.y.ticks.iter().zip(p.y.labels(p.y_unit)) {
        let y = p.y.map(*t, y0, y1);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{}" x2="{}" y1="{y}" y2="{y}"/>"#,
            C(x0),
            C(x1),
            y = C(y)
        );
        text(out, x0 - 6.0, y + 4.0, "end", "tick", &l);
    }
    for (t, l) in p.x.ticks.iter().zip(p.x.labels(p.x_unit)) {
        let x = p.x.map(*t, x0, x1);
        let _ = write!(
            out,
            r#"<line class="tickmark" x1="{x}" x2="{x}" y1="{}" y2="{}"/>"#,
            C(y0),
            C(y0 + 4.0),
            x = C(x)
        );
        text(out, x, y0 + 17.0, "middle", "tick", &l);
    }
    for c in &p.columns {
        let xa = p.x.map(c.x0, x0, x1);
        let xb = p.x.map(c.x1, x0, x1);
        let yt = p.y.map(c.y.max(p.y.lo), y0, y1);
        let _ = write!(
            out,
            r#"<rect class="mark column" x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
            C(xa + 1.0),
            C(yt),
            C((xb - xa - 2.0).max(0.5)),
            C((y0 - yt).max(0.0)),
            p.column_colour
        );
    }
    let mut ordered: Vec<&Series> = p.series.iter().collect();
    ordered.sort_by_key(|s| s.style != Style::Reference);
    for s in ordered {
        let mut d = String::new();
        for (i, &(x, y)) in s.points.iter().enumerate() {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            let _ = write!(
                d,
                "{}{},{}",
                if i == 0 || d.is_empty() { "M" } else { " L" },
                C(p.x.map(x, x0, x1)),
                C(p.y.map(y, y0, y1))
            );
        }
        if d.is_empty() {
            continue;
        }
        let (class, dash) = match s.style {
            Style::Reference => ("ref", r#" stroke-dasharray="6 4""#),
            _ => ("mark line", ""),
        };
        let _ = write!(
            out,
            r#"<path class="{class}" d="{d}" fill="none" stroke="{}" stroke-width="{}"{dash}><title>{}</title></path>"#,
            s.colour,
            C(s.width),
            Esc(&s.name)
        );
        let radii: Option<&[f64]> = match &s.style {
            Style::LineMarkers => Some(&[]),
            Style::Bubbles(r) => Some(r),
            _ => None,
        };
        if let Some(radii) = radii {
            for (i, &(x, y)) in s.points.iter().enumerate() {
                if !(x.is_finite() && y.is_finite()) {
                    continue;
                }
                let r = radii.get(i).copied().unwrap_or(3.5);
                let _ = write!(
                    out,
                    r##"<circle class="mark" cx="{}" cy="{}" r="{}" fill="{}" stroke="#fff" stroke-width="1"/>"##,
                    C(p.x.map(x, x0, x1)),
                    C(p.y.map(y, y0, y1)),
                    C(r),
                    s.colour
                );
            }
        }
    }
    let _ = write!(
        out,
        r#"<path class="axis" d="M{},{} L{},{} L{},{}" fill="none"/>"#,
        C(x0),
        C(y1),
        C(x0),
        C(y0),
        C(x1),
        C(y0)
    );
    text(
        out,
        (x0 + x1) / 2.0,
        HEIGHT - 8.0,
        "middle",
        "axis-title",
        p.x_title,
    );
    let _ = write!(
        out,
        r#"<text class="axis-title" text-anchor="middle" transform="translate(14 {}) rotate(-90)">{}</text>"#,
        C((y0 + y1) / 2.0),
        Esc(p.y_title)
    );
    out.push_str("</svg>");
}

/// One cell of a heat map.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub value: f64,
    pub line1: String,
    pub line2: String,
}

/// A light-to-dark blue ramp: a single hue whose lightness carries the value, which
/// reads the same to every form of colour vision and in greyscale print.
pub(crate) fn ramp(t: f64) -> String {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (a, b) = ([0xEF, 0xF5, 0xFB], [0x08, 0x30, 0x6B]);
    let mix = |i: usize| (f64::from(a[i]) + (f64::from(b[i]) - f64::from(a[i])) * t).round() as u8;
    format!("#{:02X}{:02X}{:02X}", mix(0), mix(1), mix(2))
}

/// A heat map of `rows × cols` cells, shaded by value on [`ramp`], with the two text
/// lines of each cell written on it and a legend of five shades below.
#[allow(clippy::too_many_arguments)]
pub(crate) fn heat_map(
    out: &mut String,
    id: &str,
    title: &str,
    desc: &str,
    row_title: &str,
    col_title: &str,
    rows: &[&str],
    cols: &[&str],
    cells: &[Vec<Cell>],
    legend: &dyn Fn(f64) -> String,
) {
    const LEFT: f64 = 118.0;
    const TOP: f64 = 40.0;
    const CELL_H: f64 = 52.0;
    const LEGEND: f64 = 46.0;
    let cw = (WIDTH - LEFT - 4.0) / cols.len().max(1) as f64;
    let height = TOP + rows.len() as f64 * CELL_H + LEGEND;
    let max = cells
        .iter()
        .flatten()
        .map(|c| if c.value.is_finite() { c.value } else { 0.0 })
        .fold(0.0, f64::max);
    open(out, id, height, title, desc);
    text(
        out,
        LEFT + cw * cols.len() as f64 / 2.0,
        13.0,
        "middle",
        "axis-title",
        col_title,
    );
    for (j, c) in cols.iter().enumerate() {
        text(
            out,
            LEFT + cw * (j as f64 + 0.5),
            TOP - 8.0,
            "middle",
            "label",
            c,
        );
    }
    let _ = write!(
        out,
        r#"<text class="axis-title" text-anchor="middle" transform="translate(12 {}) rotate(-90)">{}</text>"#,
        C(TOP + rows.len() as f64 * CELL_H / 2.0),
        Esc(row_title)
    );
    for (i, (r, row)) in rows.iter().zip(cells).enumerate() {
        let y = TOP + i as f64 * CELL_H;
        text(out, LEFT - 6.0, y + CELL_H / 2.0 + 4.5, "end", "label", r);
        for (j, cell) in row.iter().enumerate().take(cols.len()) {
            let x = LEFT + j as f64 * cw;
            let t = if max > 0.0 { cell.value / max } else { 0.0 };
            let fill = ramp(t);
            let ink = text_on(&fill);
            let _ = write!(
                out,
                r##"<rect class="mark cell" x="{}" y="{}" width="{}" height="{}" fill="{fill}" stroke="#fff" stroke-width="2"><title>{} / {}: {}, {}</title></rect>"##,
                C(x),
                C(y),
                C(cw),
                C(CELL_H),
                Esc(r),
                Esc(cols.get(j).copied().unwrap_or("")),
                Esc(&cell.line1),
                Esc(&cell.line2)
            );
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" text-anchor="middle" class="cell-value" fill="{ink}">{}</text><text x="{}" y="{}" text-anchor="middle" class="cell-note" fill="{ink}">{}</text>"#,
                C(x + cw / 2.0),
                C(y + CELL_H / 2.0 - 2.0),
                Esc(&cell.line1),
                C(x + cw / 2.0),
                C(y + CELL_H / 2.0 + 13.0),
                Esc(&cell.line2)
            );
        }
    }
    // Legend: five shades with the values they stand for.
    let ly = TOP + rows.len() as f64 * CELL_H + 12.0;
    let lw = (WIDTH - LEFT - 4.0) / 5.0;
    for k in 0..5 {
        let t = k as f64 / 4.0;
        let x = LEFT + k as f64 * lw;
        let _ = write!(
            out,
            r#"<rect class="legend-swatch" x="{}" y="{}" width="{}" height="10" fill="{}"/>"#,
            C(x + 1.0),
            C(ly),
            C(lw - 2.0),
            ramp(t)
        );
        text(
            out,
            x + lw / 2.0,
            ly + 24.0,
            "middle",
            "tick",
            &legend(t * max),
        );
    }
    out.push_str("</svg>");
}

/// A legend as an HTML list: a swatch (solid, or dashed for references) and a name.
pub(crate) fn legend(out: &mut String, items: &[(&str, &str, bool)]) {
    out.push_str(r#"<ul class="legend">"#);
    for (name, colour, dashed) in items {
        let _ = write!(
            out,
            r#"<li><span class="key{}" style="border-color:{colour}"></span>{}</li>"#,
            if *dashed { " dashed" } else { "" },
            Esc(name)
        );
    }
    out.push_str("</ul>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_runs_light_to_dark_and_text_stays_readable() {
        assert_eq!(ramp(0.0), "#EFF5FB");
        assert_eq!(ramp(1.0), "#08306B");
        assert_eq!(ramp(f64::NAN), "#EFF5FB");
        assert_eq!(text_on(&ramp(0.0)), "#1a1a1a");
        assert_eq!(text_on(&ramp(1.0)), "#ffffff");
        assert_eq!(text_on(okabe_ito::YELLOW), "#1a1a1a");
    }

    #[test]
    fn bars_scale_to_the_axis_and_escape_labels() {
        let mut s = String::new();
        let items = [
            Bar {
                label: "a<b".into(),
                value: 50.0,
                colour: okabe_ito::BLUE,
                text: "50".into(),
            },
            Bar {
                label: "c".into(),
                value: 100.0,
                colour: okabe_ito::BLUE,
                text: "100".into(),
            },
        ];
        bars(&mut s, "t", "T", "D", "value", Unit::Plain, &items);
        assert!(s.contains("a&lt;b") && !s.contains("a<b"));
        // Labels of 3 characters: left margin 3 × 7.2 + 12 → 48 (the minimum); values of
        // 3 characters: right margin 3 × 7 + 10 → 40 (the minimum). Axis 0..100 over x
        // from 48 to 420 − 40 = 380: the 100 bar spans 332 units, the 50 bar 166.
        assert!(s.contains(r#"width="332""#), "{s}");
        assert!(s.contains(r#"width="166""#), "{s}");
        assert_eq!(s.matches(r#"class="mark""#).count(), 2);
    }
}
