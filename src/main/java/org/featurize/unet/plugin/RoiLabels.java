package org.featurize.unet.plugin;

import java.awt.Point;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.featurize.unet.classify.LabelException;
import org.featurize.unet.classify.Labels;

import ij.ImagePlus;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.process.ImageProcessor;

/**
 * Labelled pixels from ImageJ ROIs, for training a pixel classifier on what a user drew over the input.
 * <p>
 * <b>Which class.</b> A ROI in a group ({@link Roi#getGroup()} &gt; 0) labels the class of that number (named
 * after the group's name when it has one). Otherwise its name says: a name that starts with a number, alone or
 * followed by a space, {@code :}, {@code _} or {@code -} and a word ("1", "2 cells", "3: background"), or
 * "class N", labels class N (the word, if any, names it); other ROIs of the same name ("background") form one class,
 * numbered in order of first appearance with the smallest numbers the other ROIs leave free. A name that is one of a
 * numbered class's words joins that class. A ROI without a name, or with ImageJ's automatic one
 * ({@code 0001-0234-0567}), is refused: its class would be a guess.
 * <p>
 * <b>Which pixels.</b> An area ROI labels the pixels of its mask; a line, polyline or freehand line the pixels it
 * covers at its width (at least 1); a point ROI its points. Pixels outside the plane are left out. A pixel that
 * several ROIs label takes the class of the last of them, as when the ROIs are painted in order.
 * <p>
 * <b>Which plane.</b> A ROI with a hyperstack position labels plane {@code (t - 1) * Z + (z - 1)}; one with a
 * stack position {@code n} labels the plane that slice shows: on a hyperstack image (given), its z and t; else the
 * plane {@code n - 1} ({@code t * Z + z}). A ROI without a position labels the only plane of a single-plane input,
 * and is refused on a stack: which plane it means is not known. The channel is ignored.
 */
public final class RoiLabels
{
	/** ImageJ's automatic ROI names: slice-y-x or y-x, four digits or more each. */
	private static final Pattern AUTOMATIC = Pattern.compile( "\\d{4,}-\\d{4,}(-\\d{4,})?" );

	/** "3", "3 cells", "3: background", "3_bg", "class 3". */
	private static final Pattern NUMBERED = Pattern.compile( "(?i)(?:class\\s*)?(\\d+)(?:[\\s:_\\-]+(.*))?" );

	private final Labels labels;

	private final Map< Long, String > names;

	private final Map< Long, Integer > rois;

	private RoiLabels( final Labels labels, final Map< Long, String > names, final Map< Long, Integer > rois )
	{
		this.labels = labels;
		this.names = names;
		this.rois = rois;
	}

	/** The labelled pixels, positions {@code (plane * height + y) * width + x} per class value. */
	public Labels labels()
	{
		return labels;
	}

	/** The class names the ROIs give, by class value (classes without a name are not here). */
	public Map< Long, String > names()
	{
		return new TreeMap<>( names );
	}

	/** One line: the classes, their names, ROIs and labelled pixels. */
	public String describe()
	{
		final StringBuilder s = new StringBuilder();
		for ( final long v : labels.values() )
		{
			s.append( s.length() == 0 ? "" : ", " ).append( v );
			if ( names.containsKey( v ) )
				s.append( " \"" ).append( names.get( v ) ).append( '"' );
			final int n = rois.getOrDefault( v, 0 );
			s.append( String.format( " (%d ROI%s, %d pixels)", n, n == 1 ? "" : "s", labels.count( v ) ) );
		}
		return s.toString();
	}

	/**
	 * The labels of {@code rois} over an input of {@code depth} z planes and {@code frames} time points of
	 * {@code width} x {@code height} pixels.
	 *
	 * @param image
	 *            the image the ROIs were drawn on, to read stack positions on a hyperstack; null to read them as planes
	 * @throws LabelException
	 *             for no ROI, a ROI whose class or plane is not known, one outside the input, or a single class
	 */
	public static RoiLabels of( final Roi[] rois, final long width, final long height, final long depth, final long frames,
			final ImagePlus image )
	{
		if ( rois == null || rois.length == 0 )
			throw new LabelException( "No labels: give a label array (labels=), or draw ROIs over the input and add them to the ROI Manager, "
					+ "named after their class (1, 2, ... or words such as \"background\")" );
		final long[] values = classValues( rois );
		final Map< Long, String > names = classNames( rois, values );
		// every labelled pixel as position * rois + roi index, so that sorting puts a pixel's last ROI last
		final List< long[] > perRoi = new ArrayList<>();
		long total = 0;
		for ( int i = 0; i < rois.length; i++ )
		{
			final long plane = plane( rois[ i ], name( rois[ i ], i ), depth, frames, image );
			final long[] p = pixels( rois[ i ], width, height, plane );
			if ( p.length == 0 )
				throw new LabelException( String.format( "ROI %s lies outside the input's %d x %d plane", name( rois[ i ], i ), width, height ) );
			perRoi.add( p );
			total += p.length;
		}
		final long[] keys = new long[ Math.toIntExact( total ) ];
		int k = 0;
		for ( int i = 0; i < rois.length; i++ )
			for ( final long p : perRoi.get( i ) )
				keys[ k++ ] = Math.addExact( Math.multiplyExact( p, rois.length ), i );
		Arrays.sort( keys );
		final Map< Long, long[] > positions = new TreeMap<>();
		final Map< Long, Integer > sizes = new TreeMap<>(), roiCounts = new TreeMap<>();
		for ( final long v : values )
		{
			sizes.merge( v, 0, Integer::sum );
			roiCounts.merge( v, 1, Integer::sum );
		}
		final long[] last = new long[ keys.length ];
		final int[] lastRoi = new int[ keys.length ];
		int n = 0;
		for ( int j = 0; j < keys.length; j++ )
		{
			final long position = keys[ j ] / rois.length;
			if ( j + 1 < keys.length && keys[ j + 1 ] / rois.length == position )
				continue; // a later ROI labels this pixel too
			last[ n ] = position;
			lastRoi[ n++ ] = ( int ) ( keys[ j ] % rois.length );
		}
		for ( int j = 0; j < n; j++ )
			sizes.merge( values[ lastRoi[ j ] ], 1, Integer::sum );
		final Map< Long, Integer > filled = new TreeMap<>();
		for ( final Map.Entry< Long, Integer > e : sizes.entrySet() )
			positions.put( e.getKey(), new long[ e.getValue() ] );
		for ( int j = 0; j < n; j++ )
		{
			final long v = values[ lastRoi[ j ] ];
			final int at = filled.merge( v, 1, Integer::sum ) - 1;
			positions.get( v )[ at ] = last[ j ];
		}
		positions.values().removeIf( p -> p.length == 0 );
		if ( positions.size() == 1 )
		{
			final long v = positions.keySet().iterator().next();
			throw new LabelException( String.format( "The ROIs label a single class (%d%s, %d ROI%s); label at least two classes to train a "
					+ "classifier (name each ROI after its class: 1, 2, ... or words such as \"background\")", v,
					names.containsKey( v ) ? " \"" + names.get( v ) + "\"" : "", roiCounts.get( v ), roiCounts.get( v ) == 1 ? "" : "s" ) );
		}
		return new RoiLabels( Labels.of( width, height, depth * frames, positions ), names, roiCounts );
	}

	/** The class value of each ROI, by the rule of this class. */
	static long[] classValues( final Roi[] rois )
	{
		final long[] values = new long[ rois.length ];
		final Map< String, Long > byWord = new LinkedHashMap<>();
		final List< Integer > words = new ArrayList<>();
		final java.util.Set< Long > used = new java.util.HashSet<>();
		for ( int i = 0; i < rois.length; i++ )
		{
			final Roi roi = rois[ i ];
			if ( roi.getGroup() > 0 )
			{
				values[ i ] = roi.getGroup();
				used.add( values[ i ] );
				continue;
			}
			final String name = roi.getName() == null ? "" : roi.getName().trim();
			if ( name.isEmpty() )
				throw new LabelException( String.format( "ROI %d has no name: name it after its class (1, 2, ... or a word such as \"background\") "
						+ "or put it in a group", i + 1 ) );
			if ( AUTOMATIC.matcher( name ).matches() )
				throw new LabelException( String.format( "ROI %s has ImageJ's automatic name: rename it after its class (1, 2, ... or a word such as "
						+ "\"background\") or put it in a group", name ) );
			final Matcher m = NUMBERED.matcher( name );
			if ( m.matches() )
			{
				final long v;
				try
				{
					v = Long.parseLong( m.group( 1 ) );
				}
				catch ( final NumberFormatException e )
				{
					throw new LabelException( String.format( "ROI \"%s\" names class %s, which is too large; classes are 1 to %d", name, m.group( 1 ),
							0xffffffffL ) );
				}
				if ( v < 1 || v > 0xffffffffL )
					throw new LabelException( String.format( "ROI \"%s\" names class %d; classes are 1 to %d (0 is unlabelled)", name, v, 0xffffffffL ) );
				values[ i ] = v;
				used.add( v );
				if ( m.group( 2 ) != null && !m.group( 2 ).isBlank() )
					byWord.putIfAbsent( m.group( 2 ).trim(), v );
			}
			else
				words.add( i );
		}
		long next = 1;
		for ( final int i : words )
		{
			final String name = rois[ i ].getName().trim();
			Long v = byWord.get( name );
			if ( v == null )
			{
				while ( used.contains( next ) )
					next++;
				v = next;
				used.add( v );
				byWord.put( name, v );
			}
			values[ i ] = v;
		}
		return values;
	}

	/** The names of the classes: a group's name, a numbered ROI's word, a word ROI's name. */
	private static Map< Long, String > classNames( final Roi[] rois, final long[] values )
	{
		final Map< Long, String > names = new TreeMap<>();
		final Map< Long, String > from = new TreeMap<>();
		for ( int i = 0; i < rois.length; i++ )
		{
			final String name = className( rois[ i ] );
			if ( name == null )
				continue;
			final String before = names.putIfAbsent( values[ i ], name );
			if ( before == null )
				from.put( values[ i ], name( rois[ i ], i ) );
			else if ( !before.equals( name ) )
				throw new LabelException( String.format( "ROIs %s and %s both label class %d but name it \"%s\" and \"%s\": give each class one name",
						from.get( values[ i ] ), name( rois[ i ], i ), values[ i ], before, name ) );
		}
		return names;
	}

	private static String className( final Roi roi )
	{
		if ( roi.getGroup() > 0 )
		{
			final String group = Roi.getGroupName( roi.getGroup() );
			return group == null || group.isBlank() ? null : group.trim();
		}
		final String name = roi.getName().trim();
		final Matcher m = NUMBERED.matcher( name );
		if ( !m.matches() )
			return name;
		return m.group( 2 ) == null || m.group( 2 ).isBlank() ? null : m.group( 2 ).trim();
	}

	private static String name( final Roi roi, final int index )
	{
		return roi.getName() == null || roi.getName().isBlank() ? Integer.toString( index + 1 ) : "\"" + roi.getName().trim() + "\"";
	}

	/** The plane {@code t * Z + z} a ROI labels; {@code label} names the ROI in messages. */
	static long plane( final Roi roi, final String label, final long depth, final long frames, final ImagePlus image )
	{
		long z, t; // 1-based, 0: not given
		if ( roi.hasHyperStackPosition() )
		{
			z = roi.getZPosition();
			t = roi.getTPosition();
		}
		else if ( roi.getPosition() > 0 && image != null && image.isHyperStack() )
		{
			final int[] czt = image.convertIndexToPosition( roi.getPosition() );
			z = czt[ 1 ];
			t = czt[ 2 ];
		}
		else if ( roi.getPosition() > 0 )
		{
			final long plane = roi.getPosition() - 1;
			if ( plane >= depth * frames )
				throw new LabelException( String.format( "ROI %s is on slice %d; the input has %d planes (%d z x %d t)", label,
						plane + 1, depth * frames, depth, frames ) );
			return plane;
		}
		else
		{
			z = 0;
			t = 0;
		}
		if ( z == 0 && depth == 1 )
			z = 1;
		if ( t == 0 && frames == 1 )
			t = 1;
		if ( z == 0 || t == 0 )
			throw new LabelException( String.format( "ROI %s belongs to no particular %s, and the input has %d: add it to the ROI Manager "
					+ "while the plane it labels is shown", label, z == 0 ? "z slice" : "time point", z == 0 ? depth : frames ) );
		if ( z > depth || t > frames )
			throw new LabelException( String.format( "ROI %s is on z %d, t %d; the input has %d z and %d t", label, z, t, depth, frames ) );
		return ( t - 1 ) * depth + z - 1;
	}

	/** The positions {@code (plane * height + y) * width + x} a ROI covers inside the plane, ascending. */
	static long[] pixels( final Roi roi, final long width, final long height, final long plane )
	{
		final List< Point > points = new ArrayList<>();
		if ( roi instanceof PointRoi )
			points.addAll( Arrays.asList( roi.getContainedPoints() ) );
		else
		{
			final Roi area = roi.isLine() ? Roi.convertLineToArea( ( Roi ) roi.clone() ) : roi;
			final ImageProcessor mask = area.getMask();
			final Rectangle b = area.getBounds();
			for ( int y = 0; y < b.height; y++ )
				for ( int x = 0; x < b.width; x++ )
					if ( mask == null || mask.getPixel( x, y ) != 0 )
						points.add( new Point( b.x + x, b.y + y ) );
		}
		return points.stream().filter( p -> p.x >= 0 && p.y >= 0 && p.x < width && p.y < height )
				.mapToLong( p -> ( plane * height + p.y ) * width + p.x ).sorted().distinct().toArray();
	}
}
