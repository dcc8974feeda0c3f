//! The learning curve: the return of every episode and its moving average,
//! as an SVG picture.

/// The picture could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the learning curve: {0}")]
pub struct PlotError(pub String);

/// The moving average of `values` over the last `window` values.
pub fn moving_average(values: &[f64], window: usize) -> Vec<f64> {
    let window = window.max(1);
    let mut out = Vec::with_capacity(values.len());
    let mut sum = 0.0;
    for (i, v) in values.iter().enumerate() {
        sum += v;
        if i >= window {
            sum -= values[i - window];
        }
        out.push(sum / (i + 1).min(window) as f64);
    }
    out
}

/// The learning curve as SVG: the return of every episode and its moving
/// average.
pub fn curve_svg(title: &str, rewards: &[f64], window: usize) -> Result<String, PlotError> {
    use plotters::prelude::*;
    let plot = |e: &dyn std::fmt::Display| PlotError(e.to_string());
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 500)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| plot(&e))?;
        let avg = moving_average(rewards, window);
        let (lo, hi) = rewards
            .iter()
            .fold((0.0f64, 0.0f64), |(lo, hi), &r| (lo.min(r), hi.max(r)));
        let x_max = rewards.len().max(1);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(15)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0..x_max, (lo - 5.0)..(hi + 5.0))
            .map_err(|e| plot(&e))?;
        chart
            .configure_mesh()
            .x_desc("episode")
            .y_desc("return")
            .draw()
            .map_err(|e| plot(&e))?;
        chart
            .draw_series(LineSeries::new(
                rewards.iter().enumerate().map(|(i, &r)| (i + 1, r)),
                RGBColor(180, 200, 230).stroke_width(1),
            ))
            .map_err(|e| plot(&e))?
            .label("return per episode")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RGBColor(180, 200, 230)));
        chart
            .draw_series(LineSeries::new(
                avg.iter().enumerate().map(|(i, &r)| (i + 1, r)),
                RED.stroke_width(2),
            ))
            .map_err(|e| plot(&e))?
            .label(format!("moving average ({window})"))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED));
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| plot(&e))?;
        root.present().map_err(|e| plot(&e))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_average_of_a_ramp() {
        assert_eq!(
            moving_average(&[1.0, 2.0, 3.0, 4.0], 2),
            vec![1.0, 1.5, 2.5, 3.5]
        );
        assert_eq!(moving_average(&[], 5), Vec::<f64>::new());
    }

    #[test]
    fn the_curve_is_an_svg() {
        let svg = curve_svg("t", &[-1.0, 5.0, 90.0], 2).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<polyline"));
    }
}
