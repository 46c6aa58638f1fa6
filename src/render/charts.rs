//! Charts drawn at build time as inline SVG: the timeline strip and the
//! bars of exchanges per year.
//!
//! Owns the geometry and markup of the charts. It reads the model and
//! returns finished markup strings, escaping every piece of text itself, so
//! `render` can hand them to templates as safe values. It knows nothing of
//! Tera or files. Horizontal positions are percentages of the chart's width,
//! so one chart fits any screen without scaling its text; marks are kept
//! apart for a narrow (phone) width, and a chart too dense for separate
//! marks becomes bars of exchanges per month, quarter or year, so its size
//! stays bounded however many exchanges there are.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

use super::values::UrlStyle;
use crate::model::Site;

/// The width, in pixels, at which marks are placed so that they do not overlap.
const NOMINAL_WIDTH: f64 = 380.0;
/// The distance, in pixels at [`NOMINAL_WIDTH`], kept between two marks of one lane.
const MARK_GAP: f64 = 11.0;
/// The height of one lane of marks.
const LANE_H: f64 = 13.0;
/// More lanes than this and the chart shows bars instead of marks.
pub const MAX_LANES: usize = 6;
/// A stretch without exchanges longer than this is drawn as a gap.
const GAP_DAYS: i64 = 150;
/// The height of the tallest bar.
const BAR_H: f64 = 64.0;
/// Widths at which year labels must not collide: narrow screens, wide screens.
const LABEL_W: f64 = 40.0;
const NARROW_W: f64 = 320.0;
const WIDE_W: f64 = 860.0;

/// The shapes marks take, one per format (cycling), each centred on 0,0.
const SHAPES: [&str; 6] = [
    r#"<circle r="5"/>"#,
    r#"<rect x="-4.5" y="-4.5" width="9" height="9"/>"#,
    r#"<path d="M0-6.5L6.5 0 0 6.5-6.5 0z"/>"#,
    r#"<path d="M0-6L6 5H-6z"/>"#,
    r#"<path d="M-6-2.5h12v5h-12z"/>"#,
    r#"<path d="M-2-6h4v4h4v4h-4v4h-4v-4h-4v-4h4z"/>"#,
];

/// Escapes text for HTML and SVG, in content and in quoted attributes.
pub fn esc(text: &str) -> String {
    Esc(text).to_string()
}

/// Text escaped for HTML and SVG as it is written out, without a copy.
struct Esc<'a>(&'a str);

impl std::fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

/// The stretch of time every chart of a site covers: whole calendar years,
/// from the first year with an exchange to the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first_year: i32,
    pub last_year: i32,
}

impl Span {
    pub fn of(site: &Site) -> Option<Span> {
        Some(Span {
            first_year: site.years.last()?.year,
            last_year: site.years.first()?.year,
        })
    }

    /// The years of the exchanges `ids` alone: an official of four years
    /// in a site of 160 gets a chart of four years, not 3 % of one.
    pub fn of_ids(site: &Site, ids: &[usize]) -> Option<Span> {
        let years = ids.iter().map(|&i| site.exchanges[i].year());
        Some(Span {
            first_year: years.clone().min()?,
            last_year: years.max()?,
        })
    }

    fn start(&self) -> NaiveDate {
        jan1(self.first_year)
    }

    fn days(&self) -> f64 {
        (jan1(self.last_year + 1) - self.start()).num_days().max(1) as f64
    }

    /// Where `date` falls, from 0 (start) to 1 (end).
    pub fn frac(&self, date: NaiveDate) -> f64 {
        ((date - self.start()).num_days() as f64 / self.days()).clamp(0.0, 1.0)
    }

    fn years(&self) -> usize {
        (self.last_year - self.first_year + 1).max(1) as usize
    }
}

fn jan1(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

fn month_start(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
}

/// A percentage for an SVG coordinate, written without a copy.
#[derive(Clone, Copy)]
struct Pct(f64);

impl std::fmt::Display for Pct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.3}%", self.0 * 100.0)
    }
}

fn pct(frac: f64) -> Pct {
    Pct(frac)
}

/// Every `step`-th year label is shown on narrow screens, every `wide`-th
/// on wide ones; the others are left out.
fn label_steps(years: usize) -> (usize, usize) {
    let step = |width: f64| ((years as f64 * LABEL_W / width).ceil() as usize).max(1);
    (step(NARROW_W), step(WIDE_W))
}

/// The class of a year label, or `None` when it is never shown.
fn label_class(offset: usize, steps: (usize, usize)) -> Option<&'static str> {
    if offset % steps.0 == 0 {
        Some("yl")
    } else if offset % steps.1 == 0 {
        Some("yl yl-wide")
    } else {
        None
    }
}

/// How a timeline links and names things.
pub struct TimelineOptions<'a> {
    /// A prefix for the ids in the chart, unique within its page.
    pub id: &'a str,
    /// The chart's accessible name and caption.
    pub label: &'a str,
    /// The prefix from the page back to the site root.
    pub root: &'a str,
    pub style: UrlStyle,
    /// Where the bar for a stretch of `year` links when the chart is dense
    /// (a URL relative to the site root).
    pub bucket_link: &'a dyn Fn(i32) -> String,
    /// The site's axes, drawn once per height.
    pub axes: &'a Axes,
    /// Draw over the years of these exchanges alone, not the site's.
    pub own_span: bool,
}

/// The axes of a site's timelines, each drawn once: every timeline of a
/// site spans the same years, so an axis varies only with the chart's
/// height (its number of lanes, or bars).
pub struct Axes {
    span: Option<Span>,
    /// By height: bars first, then one to [`MAX_LANES`] lanes.
    drawn: [OnceLock<String>; MAX_LANES + 1],
}

impl Axes {
    pub fn new(site: &Site) -> Axes {
        Axes {
            span: Span::of(site),
            drawn: Default::default(),
        }
    }

    /// The axis of a chart over `span` whose height is `slot` (0 for bars,
    /// else the number of lanes), its line at `axis_y`.
    fn get(&self, span: &Span, slot: usize, axis_y: f64) -> Cow<'_, str> {
        match self.drawn.get(slot) {
            Some(cell) if self.span == Some(*span) => {
                Cow::Borrowed(cell.get_or_init(|| axis(span, axis_y)))
            }
            _ => Cow::Owned(axis(span, axis_y)),
        }
    }
}

/// The index in the site's formats of `format` (unknown ones share the last shape).
fn format_index(site: &Site, format: &str) -> usize {
    site.config
        .formats
        .iter()
        .position(|f| f == format)
        .unwrap_or(site.config.formats.len())
        % SHAPES.len()
}

/// Lanes for marks at these positions (chronological), or `None` when more
/// than [`MAX_LANES`] would be needed.
pub fn lanes(fracs: &[f64]) -> Option<(Vec<usize>, usize)> {
    let mut last: Vec<f64> = Vec::new();
    let mut out = Vec::with_capacity(fracs.len());
    for &f in fracs {
        let px = f * NOMINAL_WIDTH;
        match last.iter().position(|&l| l + MARK_GAP <= px) {
            Some(lane) => {
                last[lane] = px;
                out.push(lane);
            }
            None if last.len() < MAX_LANES => {
                last.push(px);
                out.push(last.len() - 1);
            }
            None => return None,
        }
    }
    Some((out, last.len().max(1)))
}

/// The timeline of the exchanges `ids` (any order) across the whole site's
/// span (or their own, see [`TimelineOptions::own_span`]): a `<figure>` holding the SVG and its legend. Empty when the site
/// has no exchanges.
pub fn timeline(site: &Site, ids: &[usize], opts: &TimelineOptions) -> String {
    let span = if opts.own_span {
        Span::of_ids(site, ids).or_else(|| Span::of(site))
    } else {
        Span::of(site)
    };
    let Some(span) = span else {
        return String::new();
    };
    // Chronological order, oldest first.
    let mut chrono: Vec<usize> = ids.to_vec();
    chrono.sort_by(|&a, &b| {
        let (ea, eb) = (&site.exchanges[a], &site.exchanges[b]);
        ea.date.cmp(&eb.date).then_with(|| ea.slug.cmp(&eb.slug))
    });
    let fracs: Vec<f64> = chrono
        .iter()
        .map(|&i| span.frac(site.exchanges[i].date))
        .collect();
    let id = esc(opts.id);
    let root = esc(opts.root);
    let mut url = String::new();
    let mut svg = String::with_capacity(512 + ids.len().min(2000) * 260);
    let mut legend = String::new();
    let body_h;
    let slot;
    let mut marks = String::new();
    match lanes(&fracs) {
        Some((lane_of, lane_count)) => {
            body_h = lane_count as f64 * LANE_H + 10.0;
            slot = lane_count;
            let axis_y = body_h + 4.0;
            let mut used = [false; SHAPES.len()];
            for ((&i, &f), &lane) in chrono.iter().zip(&fracs).zip(&lane_of) {
                let e = &site.exchanges[i];
                let shape = format_index(site, &e.format);
                used[shape] = true;
                let date = site.strings.date(e.date);
                let format = site
                    .strings
                    .get(&format!("format.{}", e.format), None, &[])
                    .unwrap_or_else(|| e.format.clone());
                let name = format_args!("{} ({}, {})", Esc(&e.title), Esc(&date), Esc(&format));
                let y = axis_y - 10.0 - lane as f64 * LANE_H;
                url.clear();
                let _ = write!(url, "exchanges/{}/", e.slug);
                if opts.style == UrlStyle::Files {
                    url.push_str("index.html");
                }
                let _ = write!(
                    marks,
                    r##"<a class="m f{shape}" href="{root}{url}" data-slug="{slug}" data-i="{n}" aria-label="{name}"><title>{name}</title><use href="#{id}-s{shape}" x="{x}" y="{y}"/></a>"##,
                    url = Esc(&url),
                    slug = Esc(&e.slug),
                    // The search index's id of the exchange (oldest first).
                    n = site.exchanges.len() - 1 - i,
                    x = pct(f),
                );
            }
            svg.push_str("<defs>");
            for (shape, markup) in SHAPES.iter().enumerate().filter(|(s, _)| used[*s]) {
                // `<circle r="5"/>` → `<circle id="x-s0" r="5"/>`
                let (tag, rest) = markup.split_once(' ').unwrap_or((markup, ""));
                let _ = write!(svg, r#"{tag} id="{id}-s{shape}" {rest}"#);
            }
            svg.push_str("</defs>");
            legend.push_str(r#"<ul class="legend">"#);
            for (i, format) in site.config.formats.iter().enumerate() {
                let shape = i % SHAPES.len();
                if used[shape] && format_index(site, format) == shape {
                    let _ = write!(
                        legend,
                        r#"<li><svg class="key f{shape}" width="14" height="14" viewBox="-7 -7 14 14" aria-hidden="true">{}</svg>{}</li>"#,
                        SHAPES[shape],
                        esc(&site
                            .strings
                            .get(&format!("format.{format}"), None, &[])
                            .unwrap_or_else(|| format.clone()))
                    );
                }
            }
            legend.push_str("</ul>");
        }
        None => {
            body_h = BAR_H + 10.0;
            slot = 0;
            let (what, buckets) = buckets(&span, &chrono, site);
            let max = buckets.iter().map(|b| b.count).max().unwrap_or(1).max(1) as f64;
            let axis_y = body_h + 4.0;
            for b in buckets.iter().filter(|b| b.count > 0) {
                let h = (b.count as f64 / max * BAR_H).max(2.0);
                let name = esc(&format!(
                    "{}: {} {}",
                    b.label,
                    b.count,
                    if b.count == 1 {
                        "exchange"
                    } else {
                        "exchanges"
                    }
                ));
                let _ = write!(
                    marks,
                    r#"<a class="bar" href="{root}{url}" aria-label="{name}"><title>{name}</title><rect x="{x}" y="{y:.1}" width="{w}" height="{h:.1}"/></a>"#,
                    url = Esc(&(opts.bucket_link)(b.year)),
                    x = pct(b.from),
                    y = axis_y - h,
                    w = pct((b.to - b.from) * 0.8),
                );
            }
            let _ = write!(
                legend,
                r#"<p class="legend">Too many exchanges to show one by one: each bar counts the exchanges of one {what}.</p>"#
            );
        }
    }
    let axis_y = body_h + 4.0;
    let height = axis_y + 24.0;
    let axis = opts.axes.get(&span, slot, axis_y);
    let gaps = gaps(site, &span, &chrono, body_h);
    let _ = write!(
        svg,
        r#"<g class="axis" aria-hidden="true">{axis}</g>{gaps}<g class="marks">{marks}</g>"#
    );
    let how = if legend.starts_with("<ul") {
        "chart.marks_link"
    } else {
        "chart.bars_link"
    };
    let label = esc(&format!(
        "{}; {}",
        opts.label,
        site.strings.text(how, None, &[])
    ));
    format!(
        r#"<figure class="chart timeline" id="{id}"><svg class="tl" width="100%" height="{height}" overflow="visible" aria-label="{label}">{svg}</svg><figcaption>{legend}</figcaption></figure>"#
    )
}

/// The axis of a timeline over `span`: the line at `axis_y`, a grid line
/// per year, year labels (thinned out for narrow screens) and, for short
/// spans, month ticks.
fn axis(span: &Span, axis_y: f64) -> String {
    let mut axis = String::new();
    let _ = write!(
        axis,
        r#"<line class="axis-line" x1="0" x2="100%" y1="{axis_y}" y2="{axis_y}"/>"#
    );
    let steps = label_steps(span.years());
    for (offset, year) in (span.first_year..=span.last_year + 1).enumerate() {
        // The last line closes the span at exactly 100%.
        let x: &dyn std::fmt::Display = if year > span.last_year {
            &"100%"
        } else {
            &pct(span.frac(jan1(year)).min(1.0))
        };
        let _ = write!(
            axis,
            r#"<line class="grid" x1="{x}" x2="{x}" y1="2" y2="{y2}"/>"#,
            y2 = axis_y + 6.0
        );
        if year <= span.last_year {
            if let Some(class) = label_class(offset, steps) {
                let _ = write!(
                    axis,
                    r#"<text class="{class}" x="{x}" dx="4" y="{y}">{year}</text>"#,
                    y = axis_y + 18.0
                );
            }
            if span.years() <= 6 {
                for month in 2..=12 {
                    let x = pct(span.frac(month_start(year, month)));
                    let _ = write!(
                        axis,
                        r#"<line class="tick" x1="{x}" x2="{x}" y1="{axis_y}" y2="{y2}"/>"#,
                        y2 = axis_y + 3.0
                    );
                }
            }
        }
    }
    axis
}

/// Stretches of more than [`GAP_DAYS`] without an exchange, as shaded bands.
fn gaps(site: &Site, span: &Span, chrono: &[usize], body_h: f64) -> String {
    let mut out = String::new();
    for pair in chrono.windows(2) {
        let (a, b) = (&site.exchanges[pair[0]], &site.exchanges[pair[1]]);
        let from = a.end_date.unwrap_or(a.date).max(a.date);
        let days = (b.date - from).num_days();
        if days <= GAP_DAYS {
            continue;
        }
        let (x1, x2) = (span.frac(from), span.frac(b.date));
        let months = (days as f64 / 30.44).round() as i64;
        let t = &site.strings;
        let title = t.text(
            "chart.gap",
            Some(months),
            &[("from", t.date(from)), ("to", t.date(b.date))],
        );
        let _ = write!(
            out,
            r#"<g class="gap"><title>{}</title><rect x="{x}" y="2" width="{w}" height="{h}"/>"#,
            Esc(&title),
            x = pct(x1 + 0.004),
            w = pct((x2 - x1 - 0.008).max(0.0)),
            h = body_h - 2.0,
        );
        if (x2 - x1) * WIDE_W > 70.0 {
            let _ = write!(
                out,
                r#"<text class="gap-label" x="{x}" y="{y}" aria-hidden="true">{}</text>"#,
                Esc(&t.text("chart.gap_short", Some(months), &[])),
                x = pct((x1 + x2) / 2.0),
                y = 14.0,
            );
        }
        out.push_str("</g>");
    }
    out
}

/// One bar of a dense timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub year: i32,
    pub label: String,
    pub from: f64,
    pub to: f64,
    pub count: usize,
}

/// Counts exchanges per month (short spans), quarter or year (long spans).
/// Returns the bucket's name and one bucket per stretch of the span.
pub fn buckets(span: &Span, chrono: &[usize], site: &Site) -> (&'static str, Vec<Bucket>) {
    let years = span.years();
    let (months, what) = match years {
        0..=10 => (1, "month"),
        11..=30 => (3, "quarter"),
        _ => (12, "year"),
    };
    let mut out = Vec::new();
    for year in span.first_year..=span.last_year {
        for m in (1..=12).step_by(months as usize) {
            let start = month_start(year, m);
            let end = if m + months > 12 {
                jan1(year + 1)
            } else {
                month_start(year, m + months)
            };
            let label = match months {
                1 => site.strings.month_year(year, m as usize - 1),
                3 => site.strings.quarter(year, m / 3 + 1),
                _ => year.to_string(),
            };
            out.push(Bucket {
                year,
                label,
                from: span.frac(start),
                to: span.frac(end),
                count: 0,
            });
        }
    }
    let per_year = 12 / months as usize;
    for &i in chrono {
        let d = site.exchanges[i].date;
        let at = (d.year() - span.first_year) as usize * per_year
            + (d.month0() as usize) / months as usize;
        if let Some(b) = out.get_mut(at) {
            b.count += 1;
        }
    }
    (what, out)
}

/// A small bar chart of how many of `ids` fall in each year of the site's span.
pub fn per_year(site: &Site, ids: &[usize], id: &str, label: &str) -> String {
    let Some(span) = Span::of_ids(site, ids).or_else(|| Span::of(site)) else {
        return String::new();
    };
    let n = span.years();
    let mut counts = vec![0usize; n];
    for &i in ids {
        let at = (site.exchanges[i].year() - span.first_year) as usize;
        if let Some(c) = counts.get_mut(at) {
            *c += 1;
        }
    }
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let top = 18.0;
    let base = top + BAR_H;
    let slot = 1.0 / n as f64;
    let steps = label_steps(n);
    let mut bars = String::new();
    let mut summary = String::with_capacity(n * 10);
    for (k, &count) in counts.iter().enumerate() {
        let year = span.first_year + k as i32;
        if k > 0 {
            summary.push_str(", ");
        }
        let _ = write!(summary, "{year}: {count}");
        let centre = pct((k as f64 + 0.5) * slot);
        if count > 0 {
            let h = (count as f64 / max * BAR_H).max(2.0);
            let _ = write!(
                bars,
                r#"<rect class="bar" x="{x}" y="{y:.1}" width="{w}" height="{h:.1}"/><text class="n" x="{centre}" y="{ty:.1}">{count}</text>"#,
                x = pct((k as f64 + 0.2) * slot),
                y = base - h,
                w = pct(slot * 0.6),
                ty = base - h - 4.0,
            );
        }
        if let Some(class) = label_class(k, steps) {
            let _ = write!(
                bars,
                r#"<text class="{class}" x="{centre}" y="{y}">{year}</text>"#,
                y = base + 16.0
            );
        }
    }
    let name = esc(&format!("{label}: {summary}"));
    format!(
        r#"<figure class="chart per-year" id="{id}"><svg class="yb" width="100%" height="{h}" role="img" aria-label="{name}"><title>{name}</title><line class="axis-line" x1="0" x2="100%" y1="{base}" y2="{base}"/>{bars}</svg></figure>"#,
        id = esc(id),
        h = base + 22.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn marks_far_apart_share_one_lane_and_crowds_stack() {
        let (lanes_of, count) = lanes(&[0.0, 0.5, 1.0]).expect("fits");
        assert_eq!((lanes_of, count), (vec![0, 0, 0], 1));
        let (lanes_of, count) = lanes(&[0.1, 0.1, 0.1]).expect("fits");
        assert_eq!((lanes_of, count), (vec![0, 1, 2], 3));
        assert!(lanes(&[0.5; MAX_LANES + 1]).is_none());
    }

    #[test]
    fn each_chart_height_gets_its_own_axis_and_other_spans_are_drawn_afresh() {
        let span = Span {
            first_year: 2021,
            last_year: 2023,
        };
        let axes = Axes {
            span: Some(span),
            drawn: Default::default(),
        };
        let (low, high) = (LANE_H + 14.0, 3.0 * LANE_H + 14.0);
        assert_eq!(axes.get(&span, 1, low), axis(&span, low));
        assert_eq!(axes.get(&span, 3, high), axis(&span, high));
        assert_ne!(axes.get(&span, 1, low), axes.get(&span, 3, high));
        // Kept: asked again, the first drawing comes back.
        assert!(matches!(axes.get(&span, 1, low), Cow::Borrowed(_)));
        let other = Span {
            first_year: 2000,
            last_year: 2023,
        };
        assert_eq!(axes.get(&other, 1, low), axis(&other, low));
    }

    #[test]
    fn year_labels_thin_out_on_long_spans() {
        assert_eq!(label_steps(3), (1, 1));
        let (narrow, wide) = label_steps(40);
        assert!(narrow > wide && wide >= 2);
        assert_eq!(label_class(0, (5, 2)), Some("yl"));
        assert_eq!(label_class(2, (5, 2)), Some("yl yl-wide"));
        assert_eq!(label_class(3, (5, 2)), None);
    }
}
