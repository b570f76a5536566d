#![doc = include_str!("../../README.md")]

pub mod collector;
pub mod cpu;
pub mod engine;
pub mod error;
pub mod features;
pub mod frame;
pub mod io;
pub mod options;
pub mod output;
pub mod pool;

pub use collector::Collector;
pub use error::{Error, Result};
pub use frame::{Geometry, Picture, PictureView, PixelFormat, Plane, PlaneRef};
pub use options::FeatureDict;
pub mod model;
pub mod no_reference;

pub use engine::{Context, ContextBuilder, KeyOrder, MultiContext, Pooled, Report};
pub use model::{LoadedModel, ModelFlags};
pub use no_reference::{cambi, CambiRun};
pub use output::{OutputFormat, OutputOptions, Precision};
pub use pool::PoolMethod;
