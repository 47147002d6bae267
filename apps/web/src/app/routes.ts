// The app's URLs: one table shared with the desktop app's deep links (`@tandem/protocol/app-routes`).
export { appRoutes, parseRoute, paths, type Route } from '@tandem/protocol/app-routes';
