import 'react';

declare module 'react' {
  // Merging with React's interface takes its type parameter as declared there, used or not.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface HTMLAttributes<T> {
    /**
     * The Element Timing API's mark (https://wicg.github.io/element-timing/): the browser reports
     * when the element's text is first painted under this name. The bench reads it to time when a
     * link's topology and timeline are on screen.
     */
    elementtiming?: string;
  }
}
