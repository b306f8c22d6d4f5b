//! The look's generated resources, checked without a renderer.

use horizon::game::terrain_textures::{LAYERS, SIDE, ground_layers, mip_levels, texel};

/// Each ground texture averages near mid-grey (the shader doubles it, so the level's colour
/// is kept on average), its mip levels are there down to 1 × 1, and it tiles without seams.
#[test]
fn ground_textures_tile_and_keep_the_levels_colours_on_average() {
    let data = ground_layers();
    let per_layer: usize = (0..mip_levels()).map(|m| ((SIDE >> m) * (SIDE >> m) * 4) as usize).sum();
    assert_eq!(mip_levels(), 9);
    assert_eq!(data.len(), per_layer * LAYERS as usize);
    for layer in 0..LAYERS {
        // The last mip is the layer's mean, in sRGB: 0.5 linear is 188.
        let mean = &data[(layer as usize + 1) * per_layer - 4..][..3];
        for &c in mean {
            assert!((160..=205).contains(&c), "layer {layer} mean {mean:?}");
        }
        for v in [0.0, 0.3, 0.77] {
            let (a, b) = (texel(layer, 0.0, v), texel(layer, 1.0 - 1e-6, v));
            assert!((a[0] - b[0]).abs() < 0.02, "layer {layer} wraps at v {v}: {a:?} vs {b:?}");
        }
        // Not flat: a texture that adds no grain is no texture.
        let first = &data[(layer as usize) * per_layer..][..(SIDE * SIDE * 4) as usize];
        let lum: Vec<f32> = first.chunks(4).map(|p| p[1] as f32).collect();
        let mean_l = lum.iter().sum::<f32>() / lum.len() as f32;
        let sd = (lum.iter().map(|l| (l - mean_l).powi(2)).sum::<f32>() / lum.len() as f32).sqrt();
        assert!(sd > 4.0, "layer {layer} has grain: σ {sd}");
    }
}
