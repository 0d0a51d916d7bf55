//! One module per screen.

pub mod auth;
pub mod bills;
pub mod editor;
pub mod home;
pub mod schedules;
pub mod settings;
pub mod tasks;
